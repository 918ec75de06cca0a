/**
 * `nettwin matrix --snapshot FILE`: the matrix of a host recorded by `nettwin snapshot`.
 * The snapshot is the twin's HostState as it was (its rules, interfaces, routes,
 * docker-proxy listeners, each running container behind its bridge, serving its
 * published container ports); each cell is one flow through it (runFlow), sent from the
 * container's address, the host's LAN address, or an external client placed on the LAN
 * beside the host. `--apply` takes iptables lines here (the recorded host has no daemon).
 */
import { readFileSync } from 'node:fs';
import { parse as parseShell } from 'shell-quote';
import type { Actor, Backend, DatagramResult, PingResult, RequestResult } from '../backends/backend.ts';
import type { Observation } from '../backends/observation.ts';
import type { MatrixContainer, MatrixHostView } from '../matrix/plan.ts';
import type { ProbeBackend } from '../matrix/probe.ts';
import { formatIPv4, parseIPv4 } from '../netfilter/address/index.ts';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import type { FlowResult, FlowSpec, HostState } from '../netfilter/host-types.ts';
import { runIptables } from '../netfilter/iptables/run.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { RoutingTable } from '../netfilter/path/routing.ts';
import { SnapshotError } from '../snapshot/errors.ts';
import { parseSnapshotJson } from '../snapshot/schema.ts';
import { snapshotToHost } from '../snapshot/to-host.ts';
import { MatrixInputError } from './matrix-scene.ts';

const EXTERNAL_NAME = 'external';
const NEIGHBOUR_NAME = 'neighbour';

/** The host's LAN: the default route's interface, else the first addressed non-bridge interface. */
function uplinkOf(host: HostState): { dev: string; address: string; prefix: number } {
  const dev = host.routes.find((r) => r.destination === 'default')?.dev;
  const iface =
    host.interfaces.find((i) => i.name === dev && i.addresses.length > 0) ??
    host.interfaces.find((i) => i.kind === 'ether' && i.addresses.length > 0);
  const a = iface?.addresses[0];
  if (!iface || !a)
    throw new MatrixInputError('the snapshot has no addressed LAN interface to place the external client on');
  return { dev: iface.name, address: a.address, prefix: a.prefix };
}

/** An address on the LAN that nobody on the host uses: .9 of it (`from`), or the next free one. */
function freeLanAddress(host: HostState, lan: { address: string; prefix: number }, from = 9): string {
  const size = 2 ** (32 - lan.prefix);
  const base = parseIPv4(lan.address) - (parseIPv4(lan.address) % size);
  const used = new Set([
    ...host.interfaces.flatMap((i) => i.addresses.map((a) => a.address)),
    ...host.neighbours.map((n) => n.address),
  ]);
  for (let i = from; i < size - 1; i++) {
    const candidate = formatIPv4((base + i) >>> 0);
    if (!used.has(candidate)) return candidate;
  }
  throw new MatrixInputError(
    `no free address on the snapshot's LAN ${lan.address}/${lan.prefix} for the external client or the neighbour`,
  );
}

/** Probes as flows through the recorded host: only what probeCell calls. */
class SnapshotProber implements ProbeBackend {
  constructor(
    private readonly host: HostState,
    private readonly lan: { address: string },
    private readonly external: string,
    private readonly neighbour: string | undefined,
  ) {}

  private sourceOf(actor: Actor, dst: string): string {
    if (actor.kind === 'external') return this.external;
    if (actor.kind === 'neighbour') {
      if (this.neighbour === undefined)
        throw new MatrixInputError('the neighbour probes only with --neighbour');
      return this.neighbour;
    }
    if (actor.kind === 'host') {
      const routing = new RoutingTable(this.host);
      const daddr = parseIPv4(dst);
      const src = routing.sourceFor(daddr, routing.lookup(daddr));
      return typeof src === 'number' ? formatIPv4(src) : this.lan.address;
    }
    // IPv4 probes: a dual-stack container's IPv6 neighbour entry is not a source for them.
    const own = this.host.neighbours.filter((n) => n.name === actor.name && !n.address.includes(':'));
    const daddr = parseIPv4(dst);
    const onLink = own.find((n) => {
      const prefix = this.host.interfaces.find((i) => i.name === n.dev)?.addresses[0]?.prefix ?? 32;
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      return ((parseIPv4(n.address) ^ daddr) & mask) === 0;
    });
    const from = onLink ?? own[0];
    if (!from) throw new MatrixInputError(`container "${actor.name}" has no address in the snapshot`);
    return from.address;
  }

  private flow(spec: FlowSpec): FlowResult {
    return runFlow(this.host, spec);
  }

  private observed<R>(outcome: R, path: FlowResult['path']): Observation<R> {
    return { outcome, counters: [], path };
  }

  async ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    const r = this.flow({ protocol: 'icmp', from: this.sourceOf(from, to), to, count });
    return this.observed(
      {
        sent: r.sent,
        received: r.delivered,
        ...(r.verdict === 'unreachable' ? { unreachable: true } : {}),
        path: r.path,
      },
      r.path,
    );
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    const r = this.flow({
      protocol: 'tcp',
      from: this.sourceOf(from, to),
      to,
      port,
      count: 1,
      closer: 'client',
    });
    const outcome = r.verdict === 'delivered' || r.verdict === 'partial' ? 'ok' : r.verdict;
    return this.observed({ outcome, path: r.path }, r.path);
  }

  async udpSend(from: Actor, to: string, port: number): Promise<Observation<DatagramResult>> {
    const r = this.flow({ protocol: 'udp', from: this.sourceOf(from, to), to, port, count: 1 });
    return this.observed({ arrived: r.delivered > 0, path: r.path }, r.path);
  }

  async dispose(): Promise<void> {}
}

export function snapshotScene(
  file: string,
  options: { apply?: string; directRouting?: boolean; neighbour?: boolean },
): { backend: ProbeBackend & Pick<Backend, 'dispose'>; view: MatrixHostView } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MatrixInputError(
      `--snapshot ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let recorded: ReturnType<typeof snapshotToHost>;
  let snapshot: ReturnType<typeof parseSnapshotJson>;
  try {
    snapshot = parseSnapshotJson(text, file);
    recorded = snapshotToHost(snapshot, file);
  } catch (error) {
    if (error instanceof SnapshotError) throw new MatrixInputError(error.message);
    throw error;
  }
  const { host } = recorded;
  const lan = uplinkOf(host);
  const external = freeLanAddress(host, lan);
  // The external client: a machine on the LAN that answers ping and serves nothing.
  host.neighbours.push({ name: EXTERNAL_NAME, address: external, dev: lan.dev, listeners: [] });
  // The neighbour: beside it (.10 where free), routing everything via the host (no `reaches`).
  const neighbour = options.neighbour ? freeLanAddress(host, lan, 10) : undefined;
  if (neighbour !== undefined)
    host.neighbours.push({ name: NEIGHBOUR_NAME, address: neighbour, dev: lan.dev, listeners: [] });
  if (options.apply !== undefined) applyIptables(host, options.apply);
  const containers: MatrixContainer[] = [];
  for (const c of snapshot.containers) {
    // The matrix is IPv4 (its LAN, external client and probes are): a dual-stack
    // snapshot's IPv6 endpoints are for `trace --snapshot`.
    const own = recorded.endpoints.filter((e) => e.container === c.name && e.family === 'ipv4');
    if (!c.running || own.length === 0) continue;
    const serves = new Map<string, { port: number; proto: 'tcp' | 'udp' }>();
    for (const l of host.neighbours.filter((n) => n.name === c.name).flatMap((n) => n.listeners ?? []))
      serves.set(`${l.port}/${l.protocol}`, { port: l.port, proto: l.protocol });
    containers.push({
      label: c.name,
      name: c.name,
      endpoints: own.map((e) => ({ network: e.bridge, address: e.address })),
      serves: [...serves.values()],
      published: c.ports.flatMap((p) =>
        // A binding on an IPv6 host address ([::]:8080) is not an IPv4 probe's to make.
        p.hostPort === undefined || p.hostPort === 0 || p.hostIp?.includes(':')
          ? []
          : [
              {
                ...(p.hostIp && p.hostIp !== '0.0.0.0' ? { hostIp: p.hostIp } : {}),
                hostPort: p.hostPort,
                containerPort: p.containerPort,
                proto: p.protocol,
              },
            ],
      ),
    });
  }
  return {
    backend: new SnapshotProber(host, lan, external, neighbour),
    view: {
      hostAddress: lan.address,
      externalAddress: external,
      ...(neighbour !== undefined ? { neighbourAddress: neighbour } : {}),
      containers,
      ...(options.directRouting ? { directRouting: true } : {}),
    },
  };
}

/** `--apply` on a snapshot: iptables lines only, each checked as iptables would. */
function applyIptables(host: HostState, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MatrixInputError(
      `--apply ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = parseShell(line);
    const argv = words.filter((w): w is string => typeof w === 'string');
    if (argv[0] !== 'iptables' || argv.length !== words.length)
      throw new MatrixInputError(
        `${file}:${i + 1}: ${line}: with --snapshot, --apply takes iptables lines only (the recorded host has no daemon)`,
      );
    const r = runIptables(iptablesOf(host.firewall), argv);
    if (r.exitCode !== 0) throw new MatrixInputError(`${file}:${i + 1}: ${line}: ${r.stderr.trim()}`);
  }
}
