/**
 * Docker command scripts (`nettwin ruleset --script FILE`, fixtures/scripts/*.docker):
 * one command per line, `#` comments, shell quoting. An optional first command
 * `dockerd OPTIONS…` starts the daemon with options; then docker CLI lines and host lines
 * (`iptables …`, `sysctl -w k=v`, `kill docker-proxy`, `dockerd restart`).
 * Model settings go in a comment pragma: `# nettwin: baseline=bare seed=7 dns-ports=40669,53707`.
 */
import type { NetworkOptions } from '../contract.ts';
import { lineTooLong, MAX_LINE_LENGTH } from '../netfilter/echo.ts';
import { all, FlagError, type FlagSpec, flag, last, type ParsedFlags, parseFlags } from './cli-flags.ts';
import { DockerDaemonModel, DockerModelError, type HostBaseline } from './daemon-model.ts';
import { DaemonOptionError } from './daemon-options.ts';
import { IpamError } from './ipam.ts';
import { PortAllocationError } from './port-allocator.ts';
import { PublishError, parsePublish } from './publish.ts';
import { DockerRefusal } from './refusals.ts';
import type { DockerAction, RunOptions } from './script-actions.ts';
import { DockerScriptError } from './script-error.ts';
import { ShellWordsError, splitCommands } from './script-words.ts';

export type { DockerAction } from './script-actions.ts';
export { DockerScriptError } from './script-error.ts';

const SUPPORTED_COMMANDS =
  'dockerd [OPTIONS] (first line), dockerd restart, docker network create|rm|connect|disconnect, ' +
  'docker run|create|start|stop|restart|kill|rm, docker exec|ps|inspect|logs (ignored), ' +
  'iptables …, sysctl -w KEY=VALUE, kill|pkill|killall docker-proxy, reboot, sleep, true';

const v = (names: string[]): FlagSpec => ({ names, takesValue: true });
const b = (names: string[]): FlagSpec => ({ names, takesValue: false });

const RUN_FLAGS: FlagSpec[] = [
  v(['--name']),
  v(['--network', '--net']),
  v(['--ip']),
  v(['-p', '--publish']),
  b(['-P', '--publish-all']),
  v(['--expose']),
  v(['--network-alias', '--net-alias', '--alias']),
  b(['-d', '--detach']),
  b(['-i', '--interactive']),
  b(['-t', '--tty']),
  b(['--rm']),
  v(['--restart']),
  v(['-e', '--env']),
  v(['-h', '--hostname']),
  v(['-v', '--volume']),
  v(['-w', '--workdir']),
  v(['--label', '-l']),
  v(['--entrypoint']),
  b(['--init']),
  b(['--privileged']),
  v(['--cap-add']),
  v(['--cap-drop']),
];

const NETWORK_CREATE_FLAGS: FlagSpec[] = [
  v(['-d', '--driver']),
  v(['--subnet']),
  v(['--gateway']),
  v(['--ip-range']),
  b(['--internal']),
  v(['-o', '--opt']),
  b(['--attachable']),
  v(['--label']),
];

/** Images (by name prefix) whose server port the model can assume: the seeds use nginx builds. */
const IMAGE_PORTS: ReadonlyArray<[RegExp, number]> = [[/^(nginx|httpd|openresty|docker-openresty)/, 80]];

/** Ports a container serves, read from its image and command (busybox httpd -p, nc -l). */
export function servedPorts(image: string, command: readonly string[]): { http?: number; tcp: number[] } {
  const text = command.join(' ');
  const http = /\bhttpd\b[^;&|]*?-p\s*(?:\S*:)?(\d+)/.exec(text);
  const tcp = [...text.matchAll(/\bnc\b[^;&|]*?-l[^;&|]*?(?:-p\s*)?(\d{2,5})\b/g)].map((m) => Number(m[1]));
  const base = (image.split('/').pop() ?? '').split(':')[0] ?? '';
  const imagePort = IMAGE_PORTS.find(([re]) => re.test(base))?.[1];
  const httpPort = http ? Number(http[1]) : command.length === 0 ? imagePort : undefined;
  return { ...(httpPort !== undefined ? { http: httpPort } : {}), tcp };
}

function runOptions(f: ParsedFlags, line: number, file: string): RunOptions {
  const [image, ...command] = f.positionals;
  if (!image)
    throw new DockerScriptError(
      file,
      line,
      '',
      '"docker run" needs an image (docker run [OPTIONS] IMAGE [COMMAND…])',
    );
  const name = last(f, 'name');
  if (!name) {
    throw new DockerScriptError(
      file,
      line,
      image,
      'give every container a --name: later lines and steps refer to it',
    );
  }
  const publish = all(f, 'publish').flatMap((s) => {
    try {
      return parsePublish(s);
    } catch (e) {
      if (e instanceof PublishError) throw new DockerScriptError(file, line, s, e.message);
      throw e;
    }
  });
  if (flag(f, 'publish-all')) {
    for (const e of all(f, 'expose'))
      publish.push(...parsePublish(e).map(({ containerPort, protocol }) => ({ containerPort, protocol })));
  }
  const served = servedPorts(image, command);
  const o: RunOptions = { name, publish };
  const network = last(f, 'network');
  if (network) o.network = network;
  const ip = last(f, 'ip');
  if (ip) o.ip = ip;
  const restart = last(f, 'restart');
  if (restart) o.restart = restart.split(':')[0] as string;
  if (served.http !== undefined) o.httpPort = served.http;
  if (served.tcp.length > 0) o.tcpListenPorts = served.tcp;
  return o;
}

function networkOptions(f: ParsedFlags, line: number, file: string): NetworkOptions {
  const [name, extra] = f.positionals;
  if (!name) throw new DockerScriptError(file, line, '', '"docker network create" needs a network name');
  if (extra) throw new DockerScriptError(file, line, extra, 'one network name per "docker network create"');
  const driver = last(f, 'driver');
  if (driver && driver !== 'bridge') {
    throw new DockerScriptError(
      file,
      line,
      driver,
      `network driver "${driver}" is not modelled (only bridge)`,
    );
  }
  const options: Record<string, string> = {};
  for (const kv of all(f, 'opt')) {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new DockerScriptError(file, line, kv, 'driver options are KEY=VALUE');
    options[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const o: NetworkOptions = { name, driver: 'bridge', options };
  const subnet = last(f, 'subnet');
  if (subnet) o.subnet = subnet;
  const gateway = last(f, 'gateway');
  if (gateway) o.gateway = gateway;
  const ipRange = last(f, 'ip-range');
  if (ipRange) o.ipRange = ipRange;
  if (flag(f, 'internal')) o.internal = true;
  return o;
}

function parsePragma(comment: string, line: number, file: string): DockerAction | undefined {
  const m = /^#\s*nettwin:\s*(.*)$/.exec(comment.trim());
  if (!m) return undefined;
  const action: DockerAction = { kind: 'model', line, words: [comment.trim()] };
  for (const kv of (m[1] ?? '').split(/\s+/).filter(Boolean)) {
    const [k, val = ''] = kv.split('=');
    if (k === 'baseline' && (val === 'bare' || val === 'dind')) action.baseline = val as HostBaseline;
    else if (k === 'seed' && /^\d+$/.test(val)) action.seed = Number(val);
    else if (k === 'dns-ports' && /^\d+,\d+$/.test(val)) {
      const [tcp, udp] = val.split(',').map(Number) as [number, number];
      action.dnsPorts = { tcp, udp };
    } else if (k === 'bridge-name' && /^[^=]+:[^=]+$/.test(val)) {
      // handled as its own action below
    } else {
      throw new DockerScriptError(
        file,
        line,
        kv,
        'unknown pragma (supported: baseline=bare|dind, seed=N, dns-ports=TCP,UDP, bridge-name=NETWORK:BRIDGE)',
      );
    }
  }
  return action;
}

function parseCommand(words: string[], line: number, file: string, first: boolean): DockerAction {
  const src = { line, words };
  let w = words;
  if (w[0] === 'sudo') w = w.slice(1);
  const [cmd, sub, ...rest] = w;
  const bad = (token: string, detail: string) => new DockerScriptError(file, line, token, detail);
  const names = (list: string[], what: string) => {
    const positional = list.filter((x) => !x.startsWith('-'));
    if (positional.length === 0) throw bad(words.join(' '), `"${what}" needs at least one name`);
    return positional;
  };
  switch (cmd) {
    case 'dockerd':
      if (sub === 'restart') {
        const order = rest.find((x) => x.startsWith('--restore-order='));
        const unknown = rest.find((x) => !x.startsWith('--restore-order='));
        if (unknown)
          throw bad(unknown, 'dockerd restart takes only --restore-order=NET,NET,… (model option)');
        return {
          ...src,
          kind: 'dockerd-restart',
          ...(order ? { restoreOrder: order.split('=')[1]?.split(',') ?? [] } : {}),
        };
      }
      if (!first)
        throw bad('dockerd', 'dockerd OPTIONS may only be the first command (use "dockerd restart" later)');
      return { ...src, kind: 'dockerd', options: w.slice(1) };
    case 'systemctl':
    case 'service':
      if (w.includes('restart') && w.includes('docker')) return { ...src, kind: 'dockerd-restart' };
      throw bad(cmd, `only "${cmd} restart docker" is supported`);
    case 'iptables':
      return { ...src, kind: 'iptables', argv: w.slice(1) };
    case 'sysctl': {
      const kv = w.slice(1).filter((x) => x !== '-w' && x !== '-q');
      const [key, value] = (kv[0] ?? '').split('=');
      if (!key || value === undefined || kv.length !== 1)
        throw bad(kv[0] ?? 'sysctl', 'expected sysctl -w KEY=VALUE');
      return { ...src, kind: 'sysctl', key, value };
    }
    case 'kill':
    case 'pkill':
    case 'killall':
      if (w.slice(1).some((x) => x.includes('docker-proxy'))) return { ...src, kind: 'kill-proxy' };
      throw bad(w.slice(1).join(' '), 'only killing docker-proxy is modelled');
    case 'reboot': {
      const order = w.slice(1).find((x) => x.startsWith('--restore-order='));
      const unknown = w.slice(1).find((x) => !x.startsWith('--restore-order='));
      if (unknown) throw bad(unknown, 'reboot takes only --restore-order=NET,NET,… (model option)');
      return {
        ...src,
        kind: 'reboot',
        ...(order ? { restoreOrder: order.split('=')[1]?.split(',') ?? [] } : {}),
      };
    }
    case 'sleep':
    case 'true':
    case 'echo':
      return { ...src, kind: 'noop' };
    case 'docker':
      break;
    default:
      throw bad(cmd ?? '', `unknown command (supported: ${SUPPORTED_COMMANDS})`);
  }
  const ctx = `docker ${sub ?? ''}`.trim();
  switch (sub) {
    case 'network': {
      const [op, ...args] = rest;
      switch (op) {
        case 'create':
          return {
            ...src,
            kind: 'network-create',
            network: networkOptions(
              parseFlags(args, NETWORK_CREATE_FLAGS, { context: 'docker network create' }),
              line,
              file,
            ),
          };
        case 'rm':
        case 'remove':
          return { ...src, kind: 'network-rm', names: names(args, 'docker network rm') };
        case 'connect': {
          const f = parseFlags(args, [v(['--ip']), v(['--alias']), v(['--ip6'])], {
            context: 'docker network connect',
          });
          const [network, container] = f.positionals;
          if (!network || !container)
            throw bad(args.join(' '), 'expected docker network connect [--ip IP] NETWORK CONTAINER');
          const ip = last(f, 'ip');
          return { ...src, kind: 'network-connect', network, container, ...(ip ? { ip } : {}) };
        }
        case 'disconnect': {
          const f = parseFlags(args, [b(['-f', '--force'])], { context: 'docker network disconnect' });
          const [network, container] = f.positionals;
          if (!network || !container)
            throw bad(args.join(' '), 'expected docker network disconnect NETWORK CONTAINER');
          return { ...src, kind: 'network-disconnect', network, container };
        }
        case 'ls':
        case 'inspect':
          return { ...src, kind: 'noop' };
        default:
          throw bad(op ?? 'network', 'supported: docker network create|rm|connect|disconnect|ls|inspect');
      }
    }
    case 'run':
    case 'create': {
      const f = parseFlags(rest, RUN_FLAGS, { context: ctx, stopAtFirstPositional: true });
      return { ...src, kind: sub, container: runOptions(f, line, file) };
    }
    case 'start':
    case 'stop':
    case 'restart':
      return {
        ...src,
        kind: sub,
        names: names(
          rest.filter((x, i) => !(rest[i - 1] === '-t' || x === '-t' || x.startsWith('--time'))),
          ctx,
        ),
      };
    case 'kill':
      return { ...src, kind: 'stop', names: names(rest, ctx) };
    case 'rm': {
      const f = parseFlags(rest, [b(['-f', '--force']), b(['-v', '--volumes'])], { context: 'docker rm' });
      return { ...src, kind: 'rm', names: names(f.positionals, ctx), force: flag(f, 'force') };
    }
    case 'exec':
    case 'ps':
    case 'inspect':
    case 'logs':
    case 'port':
    case 'version':
    case 'info':
      return { ...src, kind: 'noop' };
    default:
      throw bad(sub ?? 'docker', `unknown docker command (supported: ${SUPPORTED_COMMANDS})`);
  }
}

/** Parses a docker script into actions. Throws DockerScriptError naming file, line and token. */
export function parseDockerScript(text: string, options: { file?: string } = {}): DockerAction[] {
  const file = options.file ?? '<script>';
  const actions: DockerAction[] = [];
  text.split('\n').forEach((raw, k) => {
    const line = k + 1;
    // Before any splitting: shell-quote overflows its stack on a word of a few megabytes.
    if (raw.length > MAX_LINE_LENGTH) throw new DockerScriptError(file, line, '', lineTooLong(raw.length));
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      const pragma = parsePragma(trimmed, line, file);
      if (pragma) {
        actions.push(pragma);
        const bn = /bridge-name=([^:\s]+):(\S+)/.exec(trimmed);
        if (bn)
          actions.push({
            kind: 'learn-bridge',
            network: bn[1] as string,
            bridge: bn[2] as string,
            line,
            words: [trimmed],
          });
      }
      return;
    }
    let commands: string[][];
    try {
      commands = splitCommands(raw);
    } catch (e) {
      if (e instanceof ShellWordsError) throw new DockerScriptError(file, line, e.token, e.message);
      throw new DockerScriptError(
        file,
        line,
        '',
        `cannot split the line into words: ${(e as Error).message}`,
      );
    }
    for (const words of commands) {
      const first = !actions.some((a) => a.kind !== 'model');
      try {
        actions.push(parseCommand(words, line, file, first));
      } catch (e) {
        if (e instanceof FlagError) throw new DockerScriptError(file, line, e.token, e.message);
        throw e;
      }
    }
  });
  return actions;
}

export interface RunScriptOptions {
  version: string;
  file?: string;
  baseline?: HostBaseline;
  seed?: number;
  /**
   * Called for each line Docker (or iptables) refuses; the script goes on, as a shell
   * would, and the model is as if the line had not run. Without it a refusal throws.
   */
  onRefusal?: (error: DockerScriptError) => void;
}

/** Applies one action to a model. Model errors come back as DockerScriptError with the line. */
export function applyAction(model: DockerDaemonModel, a: DockerAction, file = '<script>'): void {
  try {
    switch (a.kind) {
      case 'dockerd':
      case 'model':
      case 'noop':
        return;
      case 'dockerd-restart':
        model.restartDaemon(a.restoreOrder ? { restoreOrder: a.restoreOrder } : {});
        return;
      case 'reboot':
        model.rebootHost(a.restoreOrder ? { restoreOrder: a.restoreOrder } : {});
        return;
      case 'network-create':
        model.createNetwork(a.network);
        return;
      case 'network-rm':
        for (const n of a.names) model.removeNetwork(n);
        return;
      case 'network-connect':
        model.connect(a.network, a.container, a.ip);
        return;
      case 'network-disconnect':
        model.disconnect(a.network, a.container);
        return;
      case 'run':
        model.run(a.container);
        return;
      case 'create':
        model.create(a.container);
        return;
      case 'start':
        for (const n of a.names) model.start(n);
        return;
      case 'stop':
        for (const n of a.names) model.stop(n);
        return;
      case 'restart':
        for (const n of a.names) model.restart(n);
        return;
      case 'rm':
        for (const n of a.names) model.remove(n, { force: a.force });
        return;
      case 'iptables': {
        const r = model.iptables(a.argv);
        if (r.exitCode !== 0) {
          const error = new DockerScriptError(
            file,
            a.line,
            a.words.join(' '),
            // iptables' lines (reason, then its help hint) as one line of the message.
            `iptables failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').join(' ')}`,
          );
          error.refused = true;
          throw error;
        }
        return;
      }
      case 'sysctl':
        model.sysctl(a.key, a.value);
        return;
      case 'kill-proxy':
        model.killDockerProxy(a.hostPort);
        return;
      case 'learn-bridge':
        model.learnBridgeName(a.network, a.bridge);
        return;
    }
  } catch (e) {
    const refused = e instanceof DockerRefusal || e instanceof IpamError || e instanceof PortAllocationError;
    if (refused || e instanceof DockerModelError || e instanceof DaemonOptionError) {
      const error = new DockerScriptError(file, a.line, a.words.join(' '), e.message);
      error.refused = refused;
      throw error;
    }
    throw e;
  }
}

/** `nettwin ruleset`: start the daemon the script describes and apply every line. */
export function runDockerScript(text: string, options: RunScriptOptions): DockerDaemonModel {
  const file = options.file ?? '<script>';
  const actions = parseDockerScript(text, { file });
  let baseline = options.baseline;
  let seed = options.seed;
  let dnsPorts: { tcp: number; udp: number } | undefined;
  let daemonOptions: string[] = [];
  for (const a of actions) {
    if (a.kind === 'model') {
      baseline = a.baseline ?? baseline;
      seed = a.seed ?? seed;
      dnsPorts = a.dnsPorts ?? dnsPorts;
    } else if (a.kind === 'dockerd') daemonOptions = a.options;
  }
  let model: DockerDaemonModel;
  try {
    model = DockerDaemonModel.start({
      version: options.version,
      daemonOptions,
      ...(baseline ? { baseline } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(dnsPorts ? { dnsPorts } : {}),
    });
  } catch (e) {
    const d = actions.find((a) => a.kind === 'dockerd');
    if (e instanceof DaemonOptionError) throw new DockerScriptError(file, d?.line ?? 1, e.token, e.message);
    throw e;
  }
  for (const a of actions) {
    try {
      applyAction(model, a, file);
    } catch (e) {
      if (!(e instanceof DockerScriptError && e.refused && options.onRefusal)) throw e;
      options.onRefusal(e);
    }
  }
  return model;
}
