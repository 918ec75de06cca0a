/**
 * Names from a snapshot for the things a packet path mentions: a container's name for
 * its address, "br-1a2b3c4d5e6f (network backend)" for a bridge. Lets `trace
 * --snapshot` take `--from api --to web:80` and print a path a human recognises. Pure.
 */
import { isIPv4 } from '../netfilter/address/index.ts';
import type { FlowResult, PathStep } from '../netfilter/host-types.ts';
import type { Snapshot } from './schema.ts';
import type { SnapshotContainerEndpoint } from './to-host.ts';

/** A name that is neither a container of the snapshot nor an address. */
export class UnknownNameError extends Error {
  override name = 'UnknownNameError';
}

export class SnapshotNames {
  private readonly addressLabel = new Map<string, string>();
  private readonly bridgeLabel = new Map<string, string>();
  private readonly containerAddress = new Map<string, string>();

  constructor(snapshot: Snapshot, endpoints: readonly SnapshotContainerEndpoint[]) {
    for (const e of endpoints) {
      // A container on two networks is named by its first address; the other reads "name (network)".
      if (this.containerAddress.has(e.container)) {
        this.addressLabel.set(e.address, `${e.container} on ${e.network}`);
      } else {
        this.containerAddress.set(e.container, e.address);
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

  /** A container name or an address, with an optional :PORT, as ADDRESS[:PORT]. */
  resolveEndpoint(text: string, option: string): string {
    const m = /^(.*?)(:\d+)?$/.exec(text) as RegExpExecArray;
    const who = m[1] as string;
    const port = m[2] ?? '';
    if (isIPv4(who)) return text;
    const address = this.containerAddress.get(who);
    if (address === undefined) {
      const known = this.containers().join(', ') || 'none';
      throw new UnknownNameError(
        `${option} "${text}": "${who}" is neither an IPv4 address nor a running container of the snapshot (containers: ${known})`,
      );
    }
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
    return text
      .replace(/(?<![\w.:/-])(\d+\.\d+\.\d+\.\d+)(?![\w./:-]|\s\()/g, (a) =>
        once(a, this.addressLabel.get(a)),
      )
      .replace(/(?<![\w.-])[\w.-]+(?![\w.-]|\s\()/g, (name) => once(name, this.bridgeLabel.get(name)));
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
