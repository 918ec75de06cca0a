/**
 * The swarm lines of a docker script: `docker swarm init [--advertise-addr …]` and
 * `docker service create [--name N] [--replicas N] --publish P:T[/PROTO] IMAGE [CMD…]`.
 * Only what changes the host's rules is read; anything that would change them in a way
 * the model does not cover (`--mode global`, `mode=host` publishing, port ranges, other
 * overlay networks) is an error naming the token, never silently ignored.
 */
import { all, FlagError, last, parseFlags } from './cli-flags.ts';
import { b, v } from './script-flags.ts';

/** One port a service publishes on the routing mesh (swarm's PortConfig, mode ingress). */
export interface IngressPort {
  protocol: 'tcp' | 'udp';
  /** Undefined: swarm picks one from 30000-32767. */
  publishedPort?: number;
  targetPort: number;
}

/** A created service: its name and the ports it publishes (a left-out published port filled in). */
export interface ServiceInfo {
  name: string;
  ports: Required<IngressPort>[];
}

export interface ServiceSpec {
  /** Undefined: Docker generates a name. */
  name?: string;
  image: string;
  replicas: number;
  ports: IngressPort[];
}

/** Flags of `docker swarm init` that change nothing on the host's iptables (overlay and raft settings). */
const SWARM_INIT_FLAGS = [
  v(['--advertise-addr']),
  v(['--listen-addr']),
  v(['--data-path-addr']),
  v(['--data-path-port']),
  v(['--default-addr-pool']),
  v(['--default-addr-pool-mask-length']),
  v(['--availability']),
  b(['--autolock']),
];

const SERVICE_CREATE_FLAGS = [
  v(['--name']),
  v(['-p', '--publish']),
  v(['--replicas']),
  v(['--mode']),
  b(['-d', '--detach']),
  b(['-q', '--quiet']),
  v(['-e', '--env']),
  v(['-l', '--label']),
];

const PORT = /^\d{1,5}$/;

function port(text: string, token: string): number {
  const n = Number(text);
  if (!PORT.test(text) || n < 1 || n > 65535) throw new FlagError(token, `"${text}" is not a port (1-65535)`);
  return n;
}

function protocol(text: string, token: string): 'tcp' | 'udp' {
  if (text === 'tcp' || text === 'udp') return text;
  throw new FlagError(token, `protocol "${text}" is not modelled (tcp or udp)`);
}

/**
 * `--publish` in both of the CLI's forms: `[P:]T[/PROTO]` and
 * `published=P,target=T[,protocol=PROTO][,mode=ingress]`.
 */
export function parseServicePublish(value: string): IngressPort {
  if (value.includes('=')) {
    const kv = new Map<string, string>();
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new FlagError(value, `expected key=value in "${part}"`);
      kv.set(part.slice(0, eq), part.slice(eq + 1));
    }
    for (const k of kv.keys())
      if (!['published', 'target', 'protocol', 'mode'].includes(k))
        throw new FlagError(value, `unknown publish option "${k}" (published, target, protocol, mode)`);
    const mode = kv.get('mode') ?? 'ingress';
    if (mode !== 'ingress')
      throw new FlagError(
        value,
        `publish mode "${mode}" is not modelled (only the routing mesh, mode=ingress)`,
      );
    const target = kv.get('target');
    if (target === undefined) throw new FlagError(value, 'publish needs target=PORT');
    const published = kv.get('published');
    return {
      protocol: protocol(kv.get('protocol') ?? 'tcp', value),
      targetPort: port(target, value),
      ...(published !== undefined ? { publishedPort: port(published, value) } : {}),
    };
  }
  const m = /^(?:([^:/]+):)?([^:/]+)(?:\/(.+))?$/.exec(value);
  if (!m) throw new FlagError(value, 'expected --publish [PUBLISHED:]TARGET[/tcp|udp]');
  const [, published, target = '', proto] = m;
  if (`${published ?? ''}${target}`.includes('-'))
    throw new FlagError(value, 'port ranges are not modelled for services');
  return {
    protocol: protocol(proto ?? 'tcp', value),
    targetPort: port(target, value),
    ...(published !== undefined ? { publishedPort: port(published, value) } : {}),
  };
}

/** `docker swarm SUB …` (words after `swarm`): only `init` is modelled. */
export function parseSwarmCommand(words: readonly string[]): 'init' {
  const [sub, ...args] = words;
  if (sub !== 'init')
    throw new FlagError(
      sub ?? 'swarm',
      `docker swarm ${sub ?? '(no subcommand)'} is not modelled (only "docker swarm init" on a one-node swarm)`,
    );
  const f = parseFlags(args, SWARM_INIT_FLAGS, { context: 'docker swarm init' });
  if (f.positionals.length > 0)
    throw new FlagError(f.positionals[0] as string, 'docker swarm init takes no arguments');
  return 'init';
}

/** `docker service create …` (words after `create`). */
export function parseServiceCreate(args: readonly string[]): ServiceSpec {
  const f = parseFlags(args, SERVICE_CREATE_FLAGS, {
    context: 'docker service create',
    stopAtFirstPositional: true,
  });
  const mode = last(f, 'mode') ?? 'replicated';
  if (mode !== 'replicated')
    throw new FlagError(`--mode ${mode}`, `service mode "${mode}" is not modelled (only --mode replicated)`);
  const replicasText = last(f, 'replicas') ?? '1';
  if (!/^\d{1,3}$/.test(replicasText))
    throw new FlagError(`--replicas ${replicasText}`, 'expected --replicas N (0-999)');
  const image = f.positionals[0];
  if (image === undefined) throw new FlagError('service create', 'docker service create needs an IMAGE');
  const name = last(f, 'name');
  if (name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/.test(name))
    throw new FlagError(name, 'a service name is letters, digits, "-" and "_" (at most 63)');
  return {
    ...(name !== undefined ? { name } : {}),
    image,
    replicas: Number(replicasText),
    ports: all(f, 'publish').map(parseServicePublish),
  };
}
