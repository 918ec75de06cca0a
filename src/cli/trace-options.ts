/**
 * `nettwin trace`'s options and what they are read into: interfaces (`NAME=ADDR/PREFIX`),
 * endpoints (`IP[:PORT]`), listeners (`ADDR:PORT[/proto][=ADDR:PORT]`). A bad value is a
 * TraceUsageError naming the option and the form expected (exit code 2).
 */
import {
  addressFamily,
  canonicalAddress,
  type Family,
  isIPv4,
  parseCidr,
  parseCidr6,
} from '../netfilter/address/index.ts';
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
  /** One gateway per family at most (`--default-via 192.168.70.1 --default-via fd70::1`). */
  defaultVia?: string | string[];
  sysctl: string[];
  listen: string[];
  from: string;
  to: string;
  /**
   * ipv4 or ipv6: which address of a snapshot's container --from/--to names mean (like
   * `ping -4`/`ping -6`). Without it, an address given on the other side decides, else IPv4.
   */
  family?: string;
  proto?: string;
  count?: string;
  save?: boolean;
  json?: boolean;
  /** Count the neighbour discovery (NS/NA) the first IPv6 packet to each neighbour costs. */
  coldNeighbours?: boolean;
  /**
   * Other machines on a bridge or interface (`--neighbour fd30::3`, repeatable): with
   * --cold-neighbours a bridge floods a multicast NS to each of them through FORWARD.
   */
  neighbour?: string[];
}

export interface TraceOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `NAME=ADDR/PREFIX[,ADDR/PREFIX…]`: an interface with one or more addresses of either
 * family (`br0=172.30.0.1/24,fd30::1/64`), in the order `ip addr` would list them.
 */
export function parseInterface(option: string, text: string, kind: 'bridge' | 'ether'): HostInterface {
  const m = /^([^=\s,]+)=([0-9a-fA-F.:/,]+)$/.exec(text);
  const usage = () =>
    new TraceUsageError(
      `${option} "${text}": expected NAME=ADDR/PREFIX[,ADDR/PREFIX…], e.g. docker0=172.17.0.1/16 or br0=172.30.0.1/24,fd30::1/64`,
    );
  if (!m) throw usage();
  const [, name, list] = m as unknown as [string, string, string];
  const addresses = list.split(',').map((item) => {
    const a = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(item);
    if (!a) throw usage();
    const [, address, prefix] = a as unknown as [string, string, string];
    try {
      if (address.includes(':')) parseCidr6(`${address}/${prefix}`);
      else parseCidr(`${address}/${prefix}`);
    } catch (error) {
      throw new TraceUsageError(`${option} "${text}": ${(error as Error).message}`);
    }
    return { address, prefix: Number(prefix) };
  });
  return { name, kind, addresses };
}

/** `IP`, `IP:PORT`, an IPv6 `ADDR` or `[ADDR]:PORT`. */
export function parseEndpoint(option: string, text: string): { address: string; port?: number } {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text) ?? /^([0-9.]+)(?::(\d+))?$/.exec(text);
  const bare6 = m ? undefined : /^([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*)$/.exec(text);
  const found = m ?? bare6;
  if (
    !found ||
    addressFamily(found[1] as string) === undefined ||
    (found[2] !== undefined && (Number(found[2]) < 1 || Number(found[2]) > 65535))
  ) {
    throw new TraceUsageError(
      `${option} "${text}": expected an address with an optional port: IPv4 A.B.C.D[:PORT] or IPv6 ADDR / [ADDR]:PORT (port 1-65535)`,
    );
  }
  const address = found[1] as string;
  return {
    // IPv6 in the form ip6tables prints (`FD30:0::2` → `fd30::2`), so it compares as text.
    address: address.includes(':') ? canonicalAddress(address) : address,
    port: found[2] === undefined ? undefined : Number(found[2]),
  };
}

/** A bracketed IPv6 address or an IPv4 one, as `ADDR:PORT` writes it. */
const LISTEN_ADDR = String.raw`\[[0-9a-fA-F:.]+\]|[0-9.]+`;
const LISTENER = new RegExp(`^(${LISTEN_ADDR}):(\\d+)(?:\\/(tcp|udp))?(?:=(${LISTEN_ADDR}):(\\d+))?$`);
const unbracket = (s: string) => (s.startsWith('[') ? s.slice(1, -1) : s);

export function parseListener(text: string): Listener {
  const raw = LISTENER.exec(text);
  const m = raw && [raw[0], unbracket(raw[1] as string), raw[2], raw[3], raw[4] && unbracket(raw[4]), raw[5]];
  const valid = (a: string) => isIPv4(a) || addressFamily(a) === 'ipv6';
  if (!m || !valid(m[1] as string) || (m[4] !== undefined && !valid(m[4]))) {
    throw new TraceUsageError(
      `--listen "${text}": expected ADDR:PORT[/tcp|udp] or ADDR:PORT[/tcp|udp]=ADDR:PORT (a docker-proxy-like relay; IPv6 as [ADDR]:PORT)`,
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

/** --family as a Family, or TraceUsageError. */
export function parseFamily(text: string | undefined): Family | undefined {
  if (text === undefined) return undefined;
  const family = { ipv4: 'ipv4', ipv6: 'ipv6', '4': 'ipv4', '6': 'ipv6', inet: 'ipv4', inet6: 'ipv6' }[
    text.toLowerCase()
  ] as Family | undefined;
  if (!family) throw new TraceUsageError(`--family "${text}": expected ipv4 or ipv6`);
  return family;
}

/** The --ruleset files, as given (commander collects them; a caller may pass one). */
export function rulesetFiles(options: TraceOptions): string[] {
  return options.ruleset === undefined ? [] : [options.ruleset].flat();
}
