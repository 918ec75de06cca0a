/**
 * `nettwin trace`'s options and what they are read into: interfaces (`NAME=ADDR/PREFIX`),
 * endpoints (`IP[:PORT]`), listeners (`ADDR:PORT[/proto][=ADDR:PORT]`). A bad value is a
 * TraceUsageError naming the option and the form expected (exit code 2).
 */
import { isIPv4, parseCidr } from '../netfilter/address/index.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';

/** A usage or input problem: printed as one line, exit code 2. */
export class TraceUsageError extends Error {}

export interface TraceOptions {
  /**
   * iptables-save dumps and `nft list ruleset` listings (with --bridge/--iface/--default-via;
   * repeatable: one dump and any listings of one host), or …
   */
  ruleset?: string | string[];
  /** … a `nettwin snapshot` file: the host's interfaces, routes and containers come with it. */
  snapshot?: string;
  bridge: string[];
  iface: string[];
  defaultVia?: string;
  sysctl: string[];
  listen: string[];
  from: string;
  to: string;
  proto?: string;
  count?: string;
  save?: boolean;
  json?: boolean;
}

export interface TraceOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function parseInterface(option: string, text: string, kind: 'bridge' | 'ether'): HostInterface {
  const m = /^([^=\s]+)=([0-9.]+)\/(\d+)$/.exec(text);
  if (!m)
    throw new TraceUsageError(`${option} "${text}": expected NAME=ADDR/PREFIX, e.g. docker0=172.17.0.1/16`);
  const [, name, address, prefix] = m as unknown as [string, string, string, string];
  try {
    parseCidr(`${address}/${prefix}`);
  } catch (error) {
    throw new TraceUsageError(`${option} "${text}": ${(error as Error).message}`);
  }
  return { name, kind, addresses: [{ address, prefix: Number(prefix) }] };
}

export function parseEndpoint(option: string, text: string): { address: string; port?: number } {
  const m = /^([0-9.]+)(?::(\d+))?$/.exec(text);
  if (!m || !isIPv4(m[1] as string) || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
    throw new TraceUsageError(
      `${option} "${text}": expected an IPv4 address with an optional :PORT (1-65535)`,
    );
  }
  return { address: m[1] as string, port: m[2] === undefined ? undefined : Number(m[2]) };
}

export function parseListener(text: string): Listener {
  const m = /^([0-9.]+):(\d+)(?:\/(tcp|udp))?(?:=([0-9.]+):(\d+))?$/.exec(text);
  if (!m || !isIPv4(m[1] as string) || (m[4] !== undefined && !isIPv4(m[4]))) {
    throw new TraceUsageError(
      `--listen "${text}": expected ADDR:PORT[/tcp|udp] or ADDR:PORT[/tcp|udp]=ADDR:PORT (a docker-proxy-like relay)`,
    );
  }
  const listener: Listener = {
    protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp',
    address: m[1] as string,
    port: Number(m[2]),
  };
  if (m[4] !== undefined) {
    listener.forwardTo = { address: m[4], port: Number(m[5]) };
    listener.owner = 'docker-proxy';
  }
  return listener;
}

/** The --ruleset files, as given (commander collects them; a caller may pass one). */
export function rulesetFiles(options: TraceOptions): string[] {
  return options.ruleset === undefined ? [] : [options.ruleset].flat();
}
