/**
 * Hosts that Docker did not build: the interfaces table of a replayed iptables-save
 * dump, or of a Linux router between two network namespaces (seed 002). Pure.
 */
import type { StandaloneHostSpec } from '../../src/backends/backend.ts';
import { AddressError, cidrContains, parseCidr, parseIPv4 } from '../../src/netfilter/address/index.ts';
import type { HostInterface, InterfaceKind, Neighbour } from '../../src/netfilter/host-types.ts';
import { parseIp, parseName, ValueError } from './values.ts';

const KINDS: readonly InterfaceKind[] = ['bridge', 'ether', 'loopback'];

/** One row of `| name | kind | address | [neighbour] |`. */
export interface InterfaceRow {
  name?: string;
  kind?: string;
  address?: string;
  neighbour?: string;
}

function parseInterfaceAddress(text: string, row: number): { address: string; prefix: number } {
  const slash = text.indexOf('/');
  try {
    if (slash < 0 || !/^\d{1,2}$/.test(text.slice(slash + 1))) throw new ValueError(text);
    const address = parseIp(text.slice(0, slash), 'ipv4');
    return { address, prefix: parseCidr(text).prefix };
  } catch (e) {
    if (!(e instanceof ValueError || e instanceof AddressError)) throw e;
    throw new ValueError(`row ${row}: address "${text}" is not ADDRESS/PREFIX (e.g. 172.17.0.1/16)`);
  }
}

/** Interfaces (and the neighbours named in an optional column) from a data table's rows. */
export function interfacesFromRows(rows: readonly InterfaceRow[]): {
  interfaces: HostInterface[];
  neighbours: Neighbour[];
} {
  const interfaces: HostInterface[] = [];
  const neighbours: Neighbour[] = [];
  rows.forEach((r, i) => {
    const row = i + 1;
    if (!r.name || !r.kind || !r.address) {
      throw new ValueError(`row ${row}: every interface needs name, kind and address columns`);
    }
    const name = parseName(r.name, 'bridge');
    if (!(KINDS as readonly string[]).includes(r.kind)) {
      throw new ValueError(`row ${row}: kind "${r.kind}" is not one of ${KINDS.join(', ')}`);
    }
    interfaces.push({
      name,
      kind: r.kind as InterfaceKind,
      addresses: [parseInterfaceAddress(r.address, row)],
      up: true,
    });
    if (r.neighbour) {
      const address = parseIp(r.neighbour, 'ipv4');
      neighbours.push({ name: address, address, dev: name, answersPing: true });
    }
  });
  if (!interfaces.some((i) => i.kind === 'loopback')) {
    interfaces.unshift({
      name: 'lo',
      kind: 'loopback',
      addresses: [{ address: '127.0.0.1', prefix: 8 }],
      up: true,
    });
  }
  return { interfaces, neighbours };
}

/** The interface whose subnet holds `address`, if any. */
export function interfaceFor(
  interfaces: readonly HostInterface[],
  address: string,
): HostInterface | undefined {
  const ip = parseIPv4(address);
  return interfaces.find((i) =>
    i.addresses.some((a) => cidrContains(parseCidr(`${a.address}/${a.prefix}`), ip)),
  );
}

/**
 * Make sure both ends of a ping exist: an address in a connected subnet that is not the
 * host's own is a neighbour behind that interface (a container on a bridge).
 */
export function ensureNeighbours(spec: StandaloneHostSpec, addresses: readonly string[]): void {
  for (const address of addresses) {
    const local = spec.interfaces.some((i) => i.addresses.some((a) => a.address === address));
    if (local || spec.neighbours.some((n) => n.address === address)) continue;
    const dev = interfaceFor(spec.interfaces, address);
    if (dev) spec.neighbours.push({ name: address, address, dev: dev.name, answersPing: true });
  }
}
