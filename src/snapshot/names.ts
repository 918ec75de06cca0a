/**
 * Names from a snapshot for the things a packet path mentions: a container's name for
 * its address, "br-1a2b3c4d5e6f (network backend)" for a bridge. Lets `trace
 * --snapshot` take `--from api --to web:80` and print a path a human recognises. Pure.
 */
import { type Family, isIPv4 } from '../netfilter/address/index.ts';
import type { FlowResult, PathStep } from '../netfilter/host-types.ts';
import { shown } from '../netfilter/kernel-names.ts';
import type { Snapshot } from './schema.ts';
import type { SnapshotContainerEndpoint } from './to-host.ts';

/** A name that is neither a container of the snapshot nor an address. */
export class UnknownNameError extends Error {
  override name = 'UnknownNameError';
}

/** An IPv6 address in free text: a whole token, not part of a CIDR (`fd30::/64`) or a longer word. */
const IPV6_TOKEN = /(?<![\w.:/-])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w./:-]|\s\()/g;

/** `[fd30::2]:80`, `fd30::2` or `172.17.0.2:80`: an address, never a name. */
function isAddressForm(text: string): boolean {
  return text.startsWith('[') || (text.match(/:/g) ?? []).length >= 2;
}

function splitPort(text: string): { who: string; port: string } {
  // [\s\S]: a name with a newline in it is refused as unknown, not a crash.
  const m = /^([\s\S]*?)(:\d+)?$/.exec(text) as RegExpExecArray;
  return { who: m[1] as string, port: m[2] ?? '' };
}

export class SnapshotNames {
  private readonly addressLabel = new Map<string, string>();
  private readonly bridgeLabel = new Map<string, string>();
  /** A container's first address of each family. */
  private readonly containerAddress = new Map<string, Partial<Record<Family, string>>>();

  constructor(snapshot: Snapshot, endpoints: readonly SnapshotContainerEndpoint[]) {
    for (const e of endpoints) {
      // A container on two networks is named by its first address of the family; the
      // other reads "name on network".
      const own = this.containerAddress.get(e.container) ?? {};
      this.containerAddress.set(e.container, own);
      if (own[e.family] !== undefined) {
        this.addressLabel.set(e.address, `${e.container} on ${e.network}`);
      } else {
        own[e.family] = e.address;
        this.addressLabel.set(e.address, e.container);
      }
    }
    for (const n of snapshot.networks) {
      if (n.bridge) this.bridgeLabel.set(n.bridge, `network ${n.name}`);
    }
    for (const i of snapshot.interfaces) {
      const network = snapshot.networks.find((n) => n.bridge === i.name);
      for (const a of i.addresses) {
        if (i.kind === 'loopback' || this.addressLabel.has(a.address)) continue;
        this.addressLabel.set(
          a.address,
          network ? `the host, gateway of ${network.name}` : `the host's ${i.name}`,
        );
      }
    }
  }

  /** Known container names, for error messages. */
  containers(): string[] {
    return [...this.containerAddress.keys()];
  }

  /** Is `text` a container name of the snapshot (with an optional :PORT)? */
  isName(text: string): boolean {
    return !isAddressForm(text) && this.containerAddress.has(splitPort(text).who);
  }

  /** The families a named container has addresses of. */
  familiesOf(text: string): Family[] {
    const own = this.containerAddress.get(splitPort(text).who) ?? {};
    return (['ipv4', 'ipv6'] as const).filter((f) => own[f] !== undefined);
  }

  /**
   * A container name or an address, with an optional :PORT, as ADDRESS[:PORT] (IPv6 as
   * [ADDRESS]:PORT). A name is resolved to its address of `family`.
   */
  resolveEndpoint(text: string, option: string, family: Family = 'ipv4'): string {
    // An address of either family, with or without a port: trace's own reader checks it.
    if (isAddressForm(text)) return text;
    const { who, port } = splitPort(text);
    if (isIPv4(who)) return text;
    const own = this.containerAddress.get(who);
    if (own === undefined) {
      const known = this.containers().join(', ') || 'none';
      throw new UnknownNameError(
        `${option} ${shown(text)}: ${shown(who)} is neither an IP address nor a running container of the snapshot (containers: ${known})`,
      );
    }
    const address = own[family];
    if (address === undefined) {
      const other = family === 'ipv6' ? own.ipv4 : own.ipv6;
      throw new UnknownNameError(
        `${option} "${text}": ${who} has no ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address in the snapshot` +
          (other ? ` (only ${other}: trace with --family ${family === 'ipv6' ? 'ipv4' : 'ipv6'})` : ''),
      );
    }
    if (family === 'ipv6') return port ? `[${address}]${port}` : address;
    return `${address}${port}`;
  }

  /** "172.19.0.2" → "172.19.0.2 (api)" where the snapshot names it. */
  address(address: string): string {
    const label = this.addressLabel.get(address);
    return label ? `${address} (${label})` : address;
  }

  /** Annotates addresses and bridges in free text: whole tokens only, never inside a CIDR or rule. */
  text(text: string): string {
    // The first mention in a line gets the name; repeating it on every mention is noise.
    const named = new Set<string>();
    const once = (token: string, label: string | undefined) => {
      if (!label || named.has(token)) return token;
      named.add(token);
      return `${token} (${label})`;
    };
    return (
      text
        .replace(/(?<![\w.:/-])(\d+\.\d+\.\d+\.\d+)(?![\w./:-]|\s\()/g, (a) =>
          once(a, this.addressLabel.get(a)),
        )
        // IPv6 as ip6tables prints it; only addresses the snapshot names are touched.
        .replace(IPV6_TOKEN, (a) => once(a, this.addressLabel.get(a)))
        .replace(/(?<![\w.-])[\w.-]+(?![\w.-]|\s\()/g, (name) => once(name, this.bridgeLabel.get(name)))
    );
  }

  /** The same result with names: packet ends, hooks, routes and notes (rule texts stay as iptables prints them). */
  annotate(result: FlowResult): FlowResult {
    const path: PathStep[] = result.path.map((step) => ({
      ...step,
      text: step.kind === 'rule' || step.kind === 'policy' ? step.text : this.text(step.text),
    }));
    return {
      ...result,
      path,
      ...(result.seenSource ? { seenSource: this.address(result.seenSource) } : {}),
      ...(result.receiver ? { receiver: this.text(result.receiver) } : {}),
    };
  }
}
