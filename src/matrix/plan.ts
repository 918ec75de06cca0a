/**
 * Which cells a host's matrix probes, from what is on the host: every container to every
 * other container's address (each port it serves, or a ping when it serves none) and to
 * every published port of another container; the external client and the host to every
 * published port; each container to the external client (a ping: its way out). With
 * `directRouting` (a LAN that routes the container subnets via the host: a static route,
 * a VPN), the external client also probes every container's address. With a
 * `neighbourAddress` (the neighbour: a LAN machine that routes the container subnets via
 * the host, moby#45610), the neighbour probes every container's address and served port
 * and every published port, and each container pings it (its replies need no masquerade). Pure.
 */
import { type Destination, EXTERNAL_WORD, HOST_WORD, NEIGHBOUR_WORD, type Proto } from './types.ts';

export interface MatrixEndpoint {
  /** The network's name (compose: its Docker name); containers on one network reach each other directly. */
  network: string;
  address: string;
}

export interface MatrixPublished {
  /** Absent or 0.0.0.0: every address of the host. */
  hostIp?: string;
  hostPort: number;
  containerPort: number;
  proto: 'tcp' | 'udp';
}

export interface MatrixContainer {
  /** What the matrix shows: a compose service name (`web`, `web-2`), else the container's name. */
  label: string;
  /** The container's Docker name: the actor that sends. */
  name: string;
  /** Its endpoints, its first (default-route) network first. */
  endpoints: MatrixEndpoint[];
  /** Ports it serves, inside its namespace. */
  serves: Array<{ port: number; proto: 'tcp' | 'udp' }>;
  published: MatrixPublished[];
}

export interface MatrixHostView {
  /** The Docker host's address on its LAN (192.168.70.6 on nettwin's hosts). */
  hostAddress: string;
  /** The external client's address. */
  externalAddress: string;
  containers: MatrixContainer[];
  directRouting?: boolean;
  /** The neighbour's address on the LAN (192.168.70.10 on nettwin's hosts): absent, no neighbour cells. */
  neighbourAddress?: string;
}

/** Who sends a probe, as a Backend actor names it (a container by its Docker name). */
export type ProbeSource =
  | { kind: 'container'; name: string }
  | { kind: 'host' }
  | { kind: 'external' }
  | { kind: 'neighbour' };

/** One cell to probe: its words in the matrix, who sends, and the address and port to aim at. */
export interface CellProbe extends Destination {
  from: string;
  source: ProbeSource;
  address: string;
}

/**
 * The address a source aims at to reach `to` by name: its endpoint on a network they
 * share (what Docker's DNS answers), else its first address.
 */
export function addressSeenFrom(to: MatrixContainer, from: MatrixContainer | undefined): string | undefined {
  const shared = from
    ? to.endpoints.find((e) => from.endpoints.some((f) => f.network === e.network))
    : undefined;
  return (shared ?? to.endpoints[0])?.address;
}

function portsOf(c: MatrixContainer): Array<{ port: number | null; proto: Proto }> {
  if (c.serves.length === 0) return [{ port: null, proto: 'icmp' }];
  return [...c.serves].sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
}

/** The address a published port is probed at: its bound address, or the host's LAN address. */
function publishedAddress(p: MatrixPublished, hostAddress: string): string {
  return p.hostIp && p.hostIp !== '0.0.0.0' ? p.hostIp : hostAddress;
}

export function planCells(view: MatrixHostView): CellProbe[] {
  const cells: CellProbe[] = [];
  const published = view.containers.flatMap((c) => c.published.map((p) => ({ owner: c, p })));
  const toPublished = (from: string, source: ProbeSource, owner?: MatrixContainer) => {
    for (const { owner: o, p } of published) {
      if (o === owner) continue;
      // A loopback binding answers on the host's loopback only: the host probes it there,
      // everyone else at the host's LAN address (where it should not answer).
      const bound = publishedAddress(p, view.hostAddress);
      const address = source.kind === 'host' || !bound.startsWith('127.') ? bound : view.hostAddress;
      cells.push({ from, source, to: address, address, port: p.hostPort, proto: p.proto });
    }
  };
  for (const from of view.containers) {
    const source: ProbeSource = { kind: 'container', name: from.name };
    for (const to of view.containers) {
      if (to === from) continue;
      const address = addressSeenFrom(to, from);
      if (address === undefined) continue;
      for (const { port, proto } of portsOf(to))
        cells.push({ from: from.label, source, to: to.label, address, port, proto });
    }
    toPublished(from.label, source, from);
    cells.push({
      from: from.label,
      source,
      to: EXTERNAL_WORD,
      address: view.externalAddress,
      port: null,
      proto: 'icmp',
    });
    if (view.neighbourAddress !== undefined)
      cells.push({
        from: from.label,
        source,
        to: NEIGHBOUR_WORD,
        address: view.neighbourAddress,
        port: null,
        proto: 'icmp',
      });
  }
  // Straight at each container's first address: what a LAN that routes the subnets via the host does.
  const toContainers = (from: string, source: ProbeSource) => {
    for (const to of view.containers) {
      const address = to.endpoints[0]?.address;
      if (address === undefined) continue;
      for (const { port, proto } of portsOf(to))
        cells.push({ from, source, to: to.label, address, port, proto });
    }
  };
  toPublished(EXTERNAL_WORD, { kind: 'external' });
  toPublished(HOST_WORD, { kind: 'host' });
  if (view.directRouting) toContainers(EXTERNAL_WORD, { kind: 'external' });
  if (view.neighbourAddress !== undefined) {
    toContainers(NEIGHBOUR_WORD, { kind: 'neighbour' });
    toPublished(NEIGHBOUR_WORD, { kind: 'neighbour' });
  }
  return cells;
}
