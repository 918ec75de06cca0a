/**
 * Traffic on a DinD host: pings, HTTP requests, TCP and UDP sends from a container, the
 * host or the external client, with the real programs (iputils ping, curl, netcat) and
 * their outcomes in the backend contract's words. The backend zeroes and reads the
 * counters around each (src/backends/dind.ts).
 */
import createDebug from 'debug';
import { earlyPingArgv, pingArgv } from '../dind/early-ping.ts';
import { DindExecError } from '../dind/errors.ts';
import { machineNamespace } from '../dind/outside-world.ts';
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { lastNetcatPeer } from '../dind/parse/conntrack.ts';
import { parsePingStatistics } from '../dind/parse/ping.ts';
import { interfaceFor, neighbourNamespace, neighbourPlan, runHostPlan } from '../dind/standalone-host.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { tcpSettleArgv } from '../dind/tcp-settle.ts';
import type {
  Actor,
  ContainerOptions,
  DatagramResult,
  ExecResult,
  PingResult,
  RequestResult,
  StandaloneHostSpec,
} from './backend.ts';
import { awaitDatagram, datagramsReceived, UDP_SEND_SCRIPT } from './dind-datagrams.ts';
import { curlOutcome, netcatOutcome } from './dind-outcomes.ts';
import { CLIENT_WAIT_SECONDS } from './model-http.ts';

const log = createDebug('nettwin:dind');

export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The neighbour's default route via the host's address ($1), in the neighbour's namespace. */
const NEIGHBOUR_ROUTE = 'ip route replace default via "$1" quickack 1';

/**
 * `ip route replace CIDR via HOST` for the external client: an IPv6 subnet (a network in
 * gateway_mode_ipv6=routed) goes via the host's fd70::6, an IPv4 one via its eth0 address.
 * quickack 1 as on the client's other routes (src/dind/quickack.ts): its ACKs never wait for a timer.
 */
export function routeViaHostArgv(cidr: string, hostAddress: string): string[] {
  const v6 = cidr.includes(':');
  return [
    'ip',
    ...(v6 ? ['-6'] : []),
    'route',
    'replace',
    cidr,
    'via',
    v6 ? OUTSIDE_IPV6.host : hostAddress,
    'quickack',
    '1',
  ];
}

/** A container the scenario started, as the backend tracks it. */
export interface StartedContainer {
  options: ContainerOptions;
  id: string;
  address?: string;
  /** Bridge networks in attachment order: the first one's address is the container's address. */
  networks: string[];
  /** Its init's pid as last seen (checked against its cgroup before use: it may restart). */
  pid?: number;
}

/** What traffic needs of the backend: the host, the containers, name resolution. */
export interface DindScene {
  host(): StartedDindHost;
  readonly containers: ReadonlyMap<string, StartedContainer>;
  resolveAddress(nameOrAddress: string): Promise<string>;
  /** The standalone host's description, when the scenario built one. */
  standalone(): StandaloneHostSpec | undefined;
  /** Every framework's counters to zero (a step that builds namespaces first zeroes after them). */
  zeroCounters(): Promise<void>;
}

export class DindTraffic {
  constructor(private readonly scene: DindScene) {}

  /** Run argv as an actor: in a container, on the host, on the outer client or the neighbour. */
  async execAs(from: Actor, argv: string[]): Promise<ExecResult> {
    if (from.kind === 'host') return this.scene.host().exec(argv);
    if (from.kind === 'external') return this.scene.host().execOn('client', argv);
    if (from.kind === 'neighbour') {
      // Its route first, in the same exec (a probe's cost is one round trip): see routeNeighbourViaHost.
      const host = this.scene.host();
      return host.execOn('neighbour', [
        'sh',
        '-c',
        `${NEIGHBOUR_ROUTE} && shift && exec "$@"`,
        'sh',
        host.address,
        ...argv,
      ]);
    }
    return this.scene.host().exec(['docker', 'exec', from.name, ...argv]);
  }

  /**
   * The neighbour (netns nettwin-neighbour, 192.168.70.10) sends everything via the Docker
   * host's eth0, as the model's neighbour does (model-traffic.ts: no route of its own but
   * the LAN): the container subnets are routed via the host, whatever Docker picked.
   * outside-world.sh gives it no route out and a reset rebuilds it: set before each use
   * (`replace` is idempotent and sends nothing). quickack as on its other routes.
   */
  async routeNeighbourViaHost(): Promise<void> {
    const host = this.scene.host();
    const r = await host.execOn('neighbour', ['sh', '-c', NEIGHBOUR_ROUTE, 'sh', host.address]);
    if (r.exitCode !== 0)
      throw new DindExecError(
        host.name,
        'ip route replace default on the neighbour',
        r.exitCode,
        r.stdout,
        r.stderr,
      );
  }

  async ping(from: Actor, to: string, count: number): Promise<PingResult> {
    const address = await this.scene.resolveAddress(to);
    // -i 0.2: the same packets as a default ping in a fifth of the time (root may); from
    // the host or a container, it stops once the counters show every request dropped.
    const started = from.kind === 'container' ? this.scene.containers.get(from.name) : undefined;
    const place =
      from.kind === 'container'
        ? { container: from.name, ...(started?.pid ? { pid: started.pid, id: started.id } : {}) }
        : from.kind === 'external' || from.kind === 'neighbour'
          ? { namespace: machineNamespace(from.kind === 'external' ? 'client' : 'neighbour') }
          : undefined;
    if (from.kind === 'neighbour') await this.routeNeighbourViaHost();
    const r = await this.scene.host().exec(earlyPingArgv(count, address, place));
    const unreachable = /unreachable|No route/i.test(r.stderr + r.stdout);
    if (/packets transmitted/.test(r.stdout))
      return { ...parsePingStatistics(r.stdout), ...(unreachable ? { unreachable } : {}) };
    if (unreachable) return { sent: count, received: 0, unreachable };
    throw new DindExecError(
      this.scene.host().name,
      `ping ${address} as ${from.kind}`,
      r.exitCode,
      r.stdout,
      r.stderr,
    );
  }

  /** Ping by name from inside the container: its own resolver decides (`-6`: its AAAA answer). */
  async pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<PingResult> {
    const argv = pingArgv(count, name);
    const r = await this.execAs(from, family ? [argv[0] ?? 'ping', '-6', ...argv.slice(1)] : argv);
    if (/packets transmitted/.test(r.stdout)) return parsePingStatistics(r.stdout);
    const words = (r.stderr || r.stdout).trim();
    // "Address family for hostname not supported": `ping -6` of a name with no AAAA record.
    if (/resolution|not known|bad address|unknown host|address family/i.test(words)) throw new Error(words);
    throw new DindExecError(
      this.scene.host().name,
      `ping ${name} as ${from.kind}`,
      r.exitCode,
      r.stdout,
      r.stderr,
    );
  }

  async pingFromAddress(from: string, to: string, count: number): Promise<PingResult> {
    const spec = this.scene.standalone();
    if (!spec) throw new Error('pingFromAddress needs a standalone host: load one first');
    const host = this.scene.host();
    const local = spec.interfaces.some((i) => i.addresses.some((a) => a.address === from));
    for (const address of local ? [to] : [from, to]) {
      const isLocal = spec.interfaces.some((i) => i.addresses.some((a) => a.address === address));
      if (!isLocal && interfaceFor(spec.interfaces, address)) {
        await runHostPlan(host, neighbourPlan(spec, address), `the neighbour ${address}`);
      }
    }
    // Creating a namespace may count (IGMP, ND): zero again so the step counts only its ping.
    await this.scene.zeroCounters();
    const prefix = local ? [] : ['ip', 'netns', 'exec', neighbourNamespace(from)];
    const r = await host.exec([...prefix, ...pingArgv(count, to)]);
    if (/packets transmitted/.test(r.stdout)) return parsePingStatistics(r.stdout);
    if (/unreachable/i.test(r.stderr + r.stdout)) return { sent: count, received: 0 };
    throw new DindExecError(host.name, `ping ${to} from ${from}`, r.exitCode, r.stdout, r.stderr);
  }

  async httpGet(from: Actor, url: string): Promise<RequestResult> {
    const parsed = new URL(url);
    // A container resolves a name itself (Docker's embedded DNS, through curl); the host
    // and the external client stand for a user who looked the address up.
    // An IPv6 literal (`[fd70::6]`, brackets kept by URL) is an address already.
    const literal6 = parsed.hostname.startsWith('[');
    if (!literal6 && (from.kind !== 'container' || IPV4.test(parsed.hostname)))
      parsed.hostname = await this.scene.resolveAddress(parsed.hostname);
    // -v: curl 7.88 says "Couldn't connect to server" for a refusal and a missing route
    // alike; only its verbose lines ("Immediate connect fail …: Network is unreachable",
    // "… failed: No route to host") tell them apart.
    const r = await this.execAs(from, [
      'curl',
      '-sS',
      '-v',
      // -g: brackets are an IPv6 literal's, not curl's URL globbing.
      '-g',
      '-m',
      String(CLIENT_WAIT_SECONDS),
      parsed.toString(),
    ]);
    // curl's own words, as the model gives them: "curl: (6) Could not resolve host: db".
    if (r.exitCode === 6)
      throw new Error(r.stderr.split('\n').find((l) => l.startsWith('curl: (6)')) ?? r.stderr.trim());
    await this.settleTcp();
    return { outcome: curlOutcome(r), ...(r.exitCode === 0 ? { body: r.stdout } : {}) };
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<RequestResult & { seenSource?: string }> {
    const address = await this.scene.resolveAddress(to);
    // echo, as in ground truth e2: the payload goes out with its newline.
    const script = `echo "$1" | timeout ${CLIENT_WAIT_SECONDS} nc -nv -q 1 "$2" "$3"`;
    const r = await this.execAs(from, ['sh', '-c', script, 'sh', payload, address, String(port)]);
    const outcome = netcatOutcome(r);
    const result: RequestResult & { seenSource?: string } = { outcome };
    // The server closes after the client: its FIN and the last ACK come after nc exits
    // (ground truth e2 waited for them too).
    await this.settleTcp();
    if (outcome === 'ok') {
      const receiver = this.containerAt(to, address);
      if (receiver) {
        const seen = await this.listenerPeer(receiver, port);
        if (seen) result.seenSource = seen;
      }
    }
    return result;
  }

  async udpSend(from: Actor, to: string, port: number, payload: string): Promise<DatagramResult> {
    const address = await this.scene.resolveAddress(to);
    // Who may receive it: the named container, or any with a UDP listener (a published
    // port leads to one of them).
    const named = this.containerAt(to, address);
    const candidates = [...this.scene.containers]
      .filter(([name, c]) => (named ? name === named : true) && (c.options.udpListenPorts ?? []).length > 0)
      .map(([name, c]) => ({ name, ports: c.options.udpListenPorts ?? [] }));
    const host = this.scene.host();
    const before = await Promise.all(candidates.map((c) => datagramsReceived(host, c.name, c.ports)));
    const r = await this.execAs(from, ['sh', '-c', UDP_SEND_SCRIPT, 'sh', payload, address, String(port)]);
    if (r.exitCode !== 0 && !/unreachable|No route|refused/i.test(r.stderr)) {
      throw new DindExecError(
        this.scene.host().name,
        `nc -u to ${address}:${port}`,
        r.exitCode,
        r.stdout,
        r.stderr,
      );
    }
    const arrivals = await Promise.all(
      candidates.map((c, i) => awaitDatagram(host, c.name, c.ports, before[i] ?? 0)),
    );
    const index = arrivals.findIndex((a) => a !== undefined);
    const receiver = candidates[index]?.name;
    const seen = arrivals[index];
    if (receiver === undefined || seen === undefined) return { arrived: false };
    return { arrived: true, receiver, ...(seen ? { seenSource: seen } : {}) };
  }

  /** Until the conversation's last packets have crossed the host (src/dind/tcp-settle.ts). */
  private async settleTcp(): Promise<void> {
    const r = await this.scene.host().exec(tcpSettleArgv());
    if (r.exitCode === 3) log('TCP connections still open after 3 s; counters read anyway');
  }

  private containerAt(to: string, address: string): string | undefined {
    if (this.scene.containers.has(to)) return to;
    return [...this.scene.containers].find(([, c]) => c.address === address)?.[0];
  }

  private async listenerPeer(container: string, port: number): Promise<string | undefined> {
    const r = await this.scene.host().docker(['exec', container, 'cat', `/tmp/nc-${port}.log`]);
    return r.exitCode === 0 ? lastNetcatPeer(r.stdout) : undefined;
  }
}
