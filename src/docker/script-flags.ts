/**
 * The flags of the docker CLI lines a script may hold (`docker run|create`, `docker network
 * create`) and what the model takes from them: container and network options, and the
 * ports a container's image and command serve.
 */
import type { NetworkOptions } from '../contract.ts';
import { all, type FlagSpec, flag, last, type ParsedFlags } from './cli-flags.ts';
import { PublishError, parsePublish } from './publish.ts';
import type { RunOptions } from './script-actions.ts';
import { DockerScriptError } from './script-error.ts';

export const v = (names: string[]): FlagSpec => ({ names, takesValue: true });
export const b = (names: string[]): FlagSpec => ({ names, takesValue: false });

export const RUN_FLAGS: FlagSpec[] = [
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

export const NETWORK_CREATE_FLAGS: FlagSpec[] = [
  v(['-d', '--driver']),
  v(['--subnet']),
  v(['--gateway']),
  v(['--ip-range']),
  b(['--internal']),
  b(['--ipv6']),
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

export function runOptions(f: ParsedFlags, line: number, file: string): RunOptions {
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

/** The IPv4 and the IPv6 value of a flag given once per family; a second one of a family is refused. */
function byFamily(
  values: readonly string[],
  flagName: string,
  line: number,
  file: string,
): [string | undefined, string | undefined] {
  let v4: string | undefined;
  let v6: string | undefined;
  for (const value of values) {
    const isV6 = value.includes(':');
    if ((isV6 ? v6 : v4) !== undefined) {
      throw new DockerScriptError(
        file,
        line,
        value,
        `${flagName} is given twice for ${isV6 ? 'IPv6' : 'IPv4'} (the model takes one per family)`,
      );
    }
    if (isV6) v6 = value;
    else v4 = value;
  }
  return [v4, v6];
}

export function networkOptions(f: ParsedFlags, line: number, file: string): NetworkOptions {
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
  // --subnet and --gateway may each be given once per family (an IPv6 one has a colon).
  const [subnet, subnet6] = byFamily(all(f, 'subnet'), '--subnet', line, file);
  if (subnet) o.subnet = subnet;
  if (subnet6) o.subnet6 = subnet6;
  const [gateway, gateway6] = byFamily(all(f, 'gateway'), '--gateway', line, file);
  if (gateway) o.gateway = gateway;
  if (gateway6) o.gateway6 = gateway6;
  if (flag(f, 'ipv6')) o.ipv6 = true;
  const ipRange = last(f, 'ip-range');
  if (ipRange) o.ipRange = ipRange;
  if (flag(f, 'internal')) o.internal = true;
  return o;
}
