/**
 * The dind backend: every step on a real Docker-in-Docker host (src/dind). Containers
 * run the workload image in the inner daemon; 'external' is the client namespace of
 * the host's own outside world (src/dind/outside-world.ts), 'host' execs on the DinD
 * host itself.
 */

import createDebug from 'debug';
import { earlyPingArgv, pingArgv } from '../dind/early-ping.ts';
import { DindExecError } from '../dind/errors.ts';
import { machineAddress, machineNamespace } from '../dind/outside-world.ts';
import { lastNetcatPeer, parseConntrack, seenSourceFor } from '../dind/parse/conntrack.ts';
import { parsePingStatistics } from '../dind/parse/ping.ts';
import { containerQuickAckArgv, hostDeterministicTcpArgv, hostQuickAckArgv } from '../dind/quickack.ts';
import type { DindSession } from '../dind/session.ts';
import { sharedDindSession } from '../dind/session.ts';
import {
  interfaceFor,
  interfacePlan,
  neighbourNamespace,
  neighbourPlan,
  runHostPlan,
} from '../dind/standalone-host.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { tcpSettleArgv } from '../dind/tcp-settle.ts';
import { DEFAULT_DOCKER_VERSION } from '../docker/profile.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import type { CounterDelta, Ruleset } from '../netfilter/types.ts';
import type {
  Actor,
  Backend,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  PingResult,
  RequestResult,
  StandaloneHostSpec,
} from './backend.ts';
import { awaitDatagram, datagramsReceived, UDP_SEND_SCRIPT, udpListenerScript } from './dind-datagrams.ts';
import { CLIENT_WAIT_SECONDS, httpResponse } from './model-http.ts';

const log = createDebug('nettwin:dind');

export const EXTERNAL = 'external';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

interface Started {
  options: ContainerOptions;
  id: string;
  address?: string;
  /** Bridge networks in attachment order: the first one's address is the container's address. */
  networks: string[];
  /** Its init's pid as last seen (checked against its cgroup before use: it may restart). */
  pid?: number;
}

export interface DindBackendOptions {
  session?: DindSession;
}

export function createDindBackend(options: DindBackendOptions = {}): DindBackend {
  return new DindBackend(options.session ?? sharedDindSession());
}

/** The command a workload container runs for the servers it was asked for. */
export function workloadCommand(options: ContainerOptions): string[] {
  const parts: string[] = [];
  for (const port of options.tcpListenPorts ?? []) {
    // One nc per connection, as ground truth e2 ran it: it closes when the client does
    // (a FIN of its own), where `nc -k` would keep the connection half open.
    // netcat-openbsd -v logs "Connection received on ADDR PORT" per connection; -n
    // because -v otherwise looks the peer up in DNS first, and DinD hosts have no
    // resolver that answers: the connection would wait in the accept queue for seconds.
    parts.push(`while true; do nc -nlv -p ${port} >>/tmp/nc-${port}.data 2>>/tmp/nc-${port}.log; done &`);
  }
  for (const port of options.udpListenPorts ?? []) parts.push(udpListenerScript(port));
  if (options.httpBody !== undefined) {
    // busybox httpd runs /cgi-bin/index.cgi for "/" when there is no index.html; the CGI
    // prints the whole response at once (model-http.ts httpResponse: why one write).
    const port = options.httpPort ?? 80;
    parts.push(
      // The body is feature text: it reaches the script as "$1", never as shell words.
      'mkdir -p /www/cgi-bin; printf %s "$1" > /www/response;',
      `printf '#!/bin/sh\nexec cat /www/response\n' > /www/cgi-bin/index.cgi; chmod +x /www/cgi-bin/index.cgi;`,
      `exec busybox httpd -f -p ${port} -h /www`,
    );
  } else {
    parts.push('exec sleep infinity');
  }
  const body = options.httpBody === undefined ? [] : [httpResponse(options.httpBody)];
  return ['sh', '-c', parts.join(' '), 'sh', ...body];
}

function publishArg(p: NonNullable<ContainerOptions['publish']>[number]): string {
  const host = [p.hostIp, p.hostPort ?? ''].filter((x) => x !== undefined).join(':');
  return `${host ? `${host}:` : ''}${p.containerPort}/${p.protocol}`;
}

export class DindBackend implements Backend {
  readonly name = 'dind' as const;
  private host?: StartedDindHost;
  private readonly containers = new Map<string, Started>();
  /** Set once a standalone host was built: its interfaces and namespaces outlive reset(). */
  private standalone?: StandaloneHostSpec;

  constructor(readonly session: DindSession) {}

  /** The started host; steps that need one before `startHost` get a clear error. */
  dindHost(): StartedDindHost {
    if (!this.host)
      throw new Error(
        'No Docker host started yet: a scenario must start a host first (Given a Docker … host)',
      );
    return this.host;
  }

  async startHost(options: HostOptions): Promise<void> {
    if (this.host) await this.session.release(this.host);
    this.containers.clear();
    this.host = await this.session.acquire({
      dockerVersion: options.dockerVersion,
      daemonOptions: options.daemonOptions,
    });
    await this.host.ensureImage(this.session.config.workloadImage);
    // docker0's routes are the daemon's, made without quickack; a reset put the FIN
    // timeout back to the kernel's (src/dind/quickack.ts).
    await this.host.run(hostDeterministicTcpArgv());
  }

  async createNetwork(o: NetworkOptions): Promise<NetworkInfo> {
    const args = ['network', 'create', '-d', o.driver ?? 'bridge'];
    if (o.subnet) args.push('--subnet', o.subnet);
    if (o.gateway) args.push('--gateway', o.gateway);
    if (o.ipRange) args.push('--ip-range', o.ipRange);
    if (o.internal) args.push('--internal');
    for (const [k, v] of Object.entries(o.options ?? {})) args.push('-o', `${k}=${v}`);
    args.push(o.name);
    const host = this.dindHost();
    const id = await host.dockerOrThrow(args);
    const ipam = await host.dockerOrThrow([
      'network',
      'inspect',
      '-f',
      '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}',
      o.name,
    ]);
    const [subnet = '', configured = ''] = ipam.split(' ');
    const bridge = await host.bridgeName(o.name);
    // The new bridge's routes (docker-proxy and the host's own requests use them).
    await host.run(hostQuickAckArgv());
    // With --subnet but no --gateway, Docker picks the gateway without recording it in
    // the IPAM config: the bridge's own address is the answer.
    const gateway = configured || (await this.bridgeAddress(bridge));
    return { name: o.name, id, bridge, subnet, gateway };
  }

  private async bridgeAddress(bridge: string): Promise<string> {
    const out = await this.dindHost().run(['ip', '-4', '-o', 'addr', 'show', 'dev', bridge]);
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(out)?.[1] ?? '';
  }

  async removeNetwork(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['network', 'rm', name]);
  }

  async runContainer(o: ContainerOptions): Promise<ContainerInfo> {
    const host = this.dindHost();
    const args = ['run', '-d', '--name', o.name];
    if (o.network) args.push('--network', o.network);
    if (o.ip) args.push('--ip', o.ip);
    for (const p of o.publish ?? []) args.push('-p', publishArg(p));
    args.push(this.session.config.workloadImage, ...workloadCommand(o));
    const id = await host.dockerOrThrow(args);
    const network = o.network ?? 'bridge';
    const networks = ['host', 'none'].includes(network) || network.startsWith('container:') ? [] : [network];
    const address = await this.containerAddress(o.name, networks);
    this.containers.set(o.name, { options: o, id, networks, ...(address ? { address } : {}) });
    await this.prepareNamespace(o);
    return { name: o.name, id, network, ...(address ? { address } : {}) };
  }

  /**
   * In one exec, in the container's network namespace: quick ACKs on its routes
   * (src/dind/quickack.ts), then, for servers, wait until ss shows them bound.
   */
  private async prepareNamespace(o: ContainerOptions): Promise<void> {
    const ports = [...(o.tcpListenPorts ?? []), ...(o.httpBody !== undefined ? [o.httpPort ?? 80] : [])];
    const udp = o.udpListenPorts ?? [];
    const checks = [
      ...ports.map((p) => `ss -Hltn "sport = :${p}" | grep -q . || ok=0;`),
      ...udp.map((p) => `ss -Hlun "sport = :${p}" | grep -q . || ok=0;`),
    ];
    const wait = checks.length
      ? `for i in $(seq 1 50); do ok=1; ${checks.join(' ')} [ $ok = 1 ] && exit 0; sleep 0.05; done; exit 3`
      : '';
    const all = [...ports, ...udp];
    const r = await this.dindHost().exec(containerQuickAckArgv(o.name, wait));
    const started = this.containers.get(o.name);
    const pid = Number(r.stdout.split('\n')[0]);
    if (started && pid > 0) started.pid = pid;
    if (r.exitCode === 3) log('Servers of "%s" on ports %o did not show up in ss', o.name, all);
    else if (r.exitCode !== 0) {
      throw new DindExecError(
        this.dindHost().name,
        `quickack routes in container "${o.name}"`,
        r.exitCode,
        r.stdout,
        r.stderr,
      );
    }
  }

  /**
   * The container's address on the first of `networks` that gave it one (docker inspect
   * lists networks by name, not in the order they were attached).
   */
  private async containerAddress(name: string, networks: readonly string[]): Promise<string | undefined> {
    const out = await this.dindHost().dockerOrThrow([
      'inspect',
      '-f',
      '{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}} {{end}}',
      name,
    ]);
    const byNetwork = new Map(
      out
        .split(' ')
        .filter((w) => w.includes('='))
        .map((w) => [w.slice(0, w.lastIndexOf('=')), w.slice(w.lastIndexOf('=') + 1)] as const),
    );
    for (const network of networks) {
      const address = byNetwork.get(network);
      if (address) return address;
    }
    return [...byNetwork.values()].find((a) => a !== '');
  }

  async removeContainer(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['rm', '-f', name]);
    this.containers.delete(name);
  }

  async restartContainer(name: string): Promise<void> {
    // sleep as PID 1 ignores SIGTERM: do not wait the default 10 s for it.
    await this.dindHost().dockerOrThrow(['restart', '-t', '0', name]);
    // A restarted container has a new namespace, without the quickack routes.
    const started = this.containers.get(name);
    if (started) {
      const address = await this.containerAddress(name, started.networks);
      if (address) started.address = address;
      await this.prepareNamespace(started.options);
    }
  }

  async startContainer(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['start', name]);
    const started = this.containers.get(name);
    if (started) {
      const address = await this.containerAddress(name, started.networks);
      if (address) started.address = address;
      else delete started.address;
      await this.prepareNamespace(started.options);
    }
  }

  async stopContainer(name: string): Promise<void> {
    // sleep as PID 1 ignores SIGTERM: do not wait the default 10 s for it.
    await this.dindHost().dockerOrThrow(['stop', '-t', '0', name]);
  }

  async connectNetwork(network: string, container: string): Promise<ContainerInfo> {
    await this.dindHost().dockerOrThrow(['network', 'connect', network, container]);
    const started = this.containers.get(container);
    if (started && !started.networks.includes(network)) started.networks.push(network);
    return this.attached(container);
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    await this.dindHost().dockerOrThrow(['network', 'disconnect', network, container]);
    const started = this.containers.get(container);
    if (started) started.networks = started.networks.filter((n) => n !== network);
    return this.attached(container);
  }

  /** After a connect or disconnect: the address now, and quickack on the routes it brought. */
  private async attached(name: string): Promise<ContainerInfo> {
    const started = this.containers.get(name);
    const address = await this.containerAddress(name, started?.networks ?? []);
    if (started) {
      if (address) started.address = address;
      else delete started.address;
      await this.prepareNamespace(started.options);
    }
    const network = started?.options.network ?? 'bridge';
    return { name, id: started?.id ?? '', network, ...(address ? { address } : {}) };
  }

  /**
   * Restart the inner dockerd with its state kept (the entrypoint's loop starts it
   * again while /run/nettwin-restart exists). Containers are stopped first with no
   * grace period: dockerd would stop them the same way, after waiting 10 s for a
   * PID 1 that ignores SIGTERM.
   */
  async restartDaemon(): Promise<void> {
    const host = this.dindHost();
    // Containers first (dockerd would give each 10 s to stop), then the restart that
    // docker/common/reset.sh and the host's entrypoint agree on: it keeps the daemon's state.
    const script = [
      'ids=$(docker ps -q)',
      'if [ -n "$ids" ]; then docker stop -t 0 $ids >/dev/null || { echo "docker stop failed" >&2; exit 3; }; fi',
      'nettwin-reset restart',
    ].join('\n');
    await host.run(['sh', '-c', script]);
    // The daemon made docker0 anew: its routes lack quickack again (src/dind/quickack.ts).
    await host.run(hostQuickAckArgv());
  }

  async hostCommand(command: string | string[]): Promise<ExecResult> {
    const host = this.dindHost();
    const result = await host.exec(command);
    // The command may have made routes (ip route, ip addr, docker network create): they
    // get quickack 1 like the host's others (src/dind/quickack.ts). A route the script
    // cannot restate (a multipath route spans lines) keeps its timers: logged, not fatal.
    const quickAck = await host.exec(hostQuickAckArgv());
    if (quickAck.exitCode !== 0) {
      log('quickack after host command %o: exit %d %s', command, quickAck.exitCode, quickAck.stderr.trim());
    }
    return result;
  }

  /** `ip route replace CIDR via <host eth0>` on the external client (its namespace in the DinD host). */
  async routeViaHost(cidr: string): Promise<void> {
    const host = this.dindHost();
    // quickack 1 as on the client's other routes (src/dind/quickack.ts): its ACKs never wait for a timer.
    const argv = ['ip', 'route', 'replace', cidr, 'via', host.address, 'quickack', '1'];
    const r = await host.execOn('client', argv);
    if (r.exitCode !== 0) {
      throw new DindExecError(
        host.name,
        `${argv.join(' ')} on the external client`,
        r.exitCode,
        r.stdout,
        r.stderr,
      );
    }
  }

  async killDockerProxy(hostPort?: number): Promise<void> {
    await this.dindHost().killDockerProxy(hostPort);
  }

  zeroCounters(): Promise<void> {
    return this.dindHost().zeroCounters();
  }

  readRuleset(): Promise<Ruleset> {
    return this.dindHost().iptablesSave();
  }

  readCounters(): Promise<CounterDelta[]> {
    return this.dindHost().readCounters();
  }

  /** Run argv as an actor: in a container, on the host, or on the outer client. */
  async execAs(from: Actor, argv: string[]): Promise<ExecResult> {
    if (from.kind === 'host') return this.dindHost().exec(argv);
    if (from.kind === 'external') return this.dindHost().execOn('client', argv);
    return this.dindHost().exec(['docker', 'exec', from.name, ...argv]);
  }

  async ping(from: Actor, to: string, count: number): Promise<PingResult> {
    const address = await this.resolveAddress(to);
    // -i 0.2: the same packets as a default ping in a fifth of the time (root may); from
    // the host or a container, it stops once the counters show every request dropped.
    const started = from.kind === 'container' ? this.containers.get(from.name) : undefined;
    const place =
      from.kind === 'container'
        ? { container: from.name, ...(started?.pid ? { pid: started.pid, id: started.id } : {}) }
        : from.kind === 'external'
          ? { namespace: machineNamespace('client') }
          : undefined;
    const r = await this.dindHost().exec(earlyPingArgv(count, address, place));
    const unreachable = /unreachable|No route/i.test(r.stderr + r.stdout);
    if (/packets transmitted/.test(r.stdout))
      return { ...parsePingStatistics(r.stdout), ...(unreachable ? { unreachable } : {}) };
    if (unreachable) return { sent: count, received: 0, unreachable };
    throw new DindExecError(
      this.dindHost().name,
      `ping ${address} as ${from.kind}`,
      r.exitCode,
      r.stdout,
      r.stderr,
    );
  }

  /** Ping by name from inside the container: its own resolver decides. */
  async pingByName(from: Actor, name: string, count: number): Promise<PingResult> {
    const r = await this.execAs(from, pingArgv(count, name));
    if (/packets transmitted/.test(r.stdout)) return parsePingStatistics(r.stdout);
    const words = (r.stderr || r.stdout).trim();
    if (/resolution|not known|bad address|unknown host/i.test(words)) throw new Error(words);
    throw new DindExecError(
      this.dindHost().name,
      `ping ${name} as ${from.kind}`,
      r.exitCode,
      r.stdout,
      r.stderr,
    );
  }

  /**
   * A host from a dump or a router description: the dump goes in with iptables-restore,
   * interfaces become bridges or veth pairs; neighbours are made on first use.
   */
  async loadStandaloneHost(spec: StandaloneHostSpec): Promise<void> {
    if (!this.host) await this.startHost({ dockerVersion: DEFAULT_DOCKER_VERSION, daemonOptions: [] });
    const host = this.dindHost();
    this.standalone = spec;
    await runHostPlan(host, interfacePlan(spec), 'the interfaces of the restored host');
    const rules = spec.rulesetText.trim() ? spec.rulesetText : EMPTY_RULESET;
    await host.run(['sh', '-ec', 'printf %s "$1" | iptables-restore', 'sh', rules]);
    if (spec.nftRulesetText) {
      // Native nft tables (firewalld, Docker 29's docker-bridges …) go in beside them, as
      // data, without their recorded counters (`counter` alone starts at zero).
      const text = serializeNftRuleset(
        parseNftRuleset(spec.nftRulesetText, { file: spec.file ?? 'nft ruleset' }),
        {
          stateless: true,
        },
      );
      const nft = await host.exec(['sh', '-ec', 'printf %s "$1" | nft -f -', 'sh', text]);
      if (nft.exitCode !== 0) {
        throw new DindExecError(
          host.name,
          `nft -f (the native nft tables of ${spec.file ?? 'the host'})`,
          nft.exitCode,
          nft.stdout,
          nft.stderr,
        );
      }
    }
    await host.zeroCounters();
  }

  async pingFromAddress(from: string, to: string, count: number): Promise<PingResult> {
    const spec = this.standalone;
    if (!spec) throw new Error('pingFromAddress needs a standalone host: load one first');
    const host = this.dindHost();
    const local = spec.interfaces.some((i) => i.addresses.some((a) => a.address === from));
    for (const address of local ? [to] : [from, to]) {
      const isLocal = spec.interfaces.some((i) => i.addresses.some((a) => a.address === address));
      if (!isLocal && interfaceFor(spec.interfaces, address)) {
        await runHostPlan(host, neighbourPlan(spec, address), `the neighbour ${address}`);
      }
    }
    // Creating a namespace may count (IGMP, ND): zero again so the step counts only its ping.
    await host.zeroCounters();
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
    if (from.kind !== 'container' || IPV4.test(parsed.hostname))
      parsed.hostname = await this.resolveAddress(parsed.hostname);
    // -v: curl 7.88 says "Couldn't connect to server" for a refusal and a missing route
    // alike; only its verbose lines ("Immediate connect fail …: Network is unreachable",
    // "… failed: No route to host") tell them apart.
    const r = await this.execAs(from, [
      'curl',
      '-sS',
      '-v',
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
    const address = await this.resolveAddress(to);
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
    const address = await this.resolveAddress(to);
    // Who may receive it: the named container, or any with a UDP listener (a published
    // port leads to one of them).
    const named = this.containerAt(to, address);
    const candidates = [...this.containers]
      .filter(([name, c]) => (named ? name === named : true) && (c.options.udpListenPorts ?? []).length > 0)
      .map(([name, c]) => ({ name, ports: c.options.udpListenPorts ?? [] }));
    const host = this.dindHost();
    const before = await Promise.all(candidates.map((c) => datagramsReceived(host, c.name, c.ports)));
    const r = await this.execAs(from, ['sh', '-c', UDP_SEND_SCRIPT, 'sh', payload, address, String(port)]);
    if (r.exitCode !== 0 && !/unreachable|No route|refused/i.test(r.stderr)) {
      throw new DindExecError(
        this.dindHost().name,
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
    const r = await this.dindHost().exec(tcpSettleArgv());
    if (r.exitCode === 3) log('TCP connections still open after 3 s; counters read anyway');
  }

  private containerAt(to: string, address: string): string | undefined {
    if (this.containers.has(to)) return to;
    return [...this.containers].find(([, c]) => c.address === address)?.[0];
  }

  private async listenerPeer(container: string, port: number): Promise<string | undefined> {
    const r = await this.dindHost().docker(['exec', container, 'cat', `/tmp/nc-${port}.log`]);
    return r.exitCode === 0 ? lastNetcatPeer(r.stdout) : undefined;
  }

  async lastSeenSource(container: string): Promise<string | undefined> {
    const address = await this.resolveAddress(container);
    const r = await this.dindHost().exec(['conntrack', '-L']);
    return seenSourceFor(parseConntrack(r.stdout), address);
  }

  listeners(): Promise<Listener[]> {
    return this.dindHost().listeners();
  }

  interfaces(): Promise<HostInterface[]> {
    return this.dindHost().interfaces();
  }

  async resolveAddress(nameOrAddress: string): Promise<string> {
    if (IPV4.test(nameOrAddress)) return nameOrAddress;
    if (nameOrAddress === EXTERNAL) return machineAddress(this.session.config, 'client');
    if (nameOrAddress === 'host') return this.dindHost().address;
    const host = this.dindHost();
    const known = this.containers.get(nameOrAddress);
    if (known) {
      const address = await this.containerAddress(nameOrAddress, known.networks);
      if (address) return address;
    }
    const container = await host.docker([
      'inspect',
      '-f',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}',
      nameOrAddress,
    ]);
    const address = container.stdout
      .split(' ')
      .find((a) => IPV4.test(a.trim()))
      ?.trim();
    if (container.exitCode === 0 && address) return address;
    const network = await host.docker([
      'network',
      'inspect',
      '-f',
      '{{range .IPAM.Config}}{{.Gateway}}{{end}}',
      nameOrAddress,
    ]);
    if (network.exitCode === 0 && IPV4.test(network.stdout.trim())) return network.stdout.trim();
    throw new Error(
      `Cannot resolve "${nameOrAddress}" on DinD host "${host.name}": not an address, a container with an address, or a network`,
    );
  }

  async dispose(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    this.containers.clear();
    const reusable = this.standalone === undefined;
    this.standalone = undefined;
    if (host) await this.session.release(host, { reusable });
  }
}

/** What iptables-restore gets for a router with no rules: empty tables, ACCEPT policies. */
const EMPTY_RULESET = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  'COMMIT',
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  'COMMIT',
  '',
].join('\n');

/** curl exit codes: 7 could not connect (refused or no route), 28 timed out. */
export function curlOutcome(r: ExecResult): RequestResult['outcome'] {
  if (r.exitCode === 0) return 'ok';
  if (r.exitCode === 28) return 'timeout';
  if (r.exitCode === 7)
    return /No route to host|Network is unreachable/i.test(r.stderr) ? 'unreachable' : 'refused';
  if (r.exitCode === 52 || r.exitCode === 56) return 'refused';
  throw new Error(`curl exited with ${r.exitCode}: ${r.stderr.trim()}`);
}

/** netcat-openbsd -v: "… failed: Connection refused" / "timed out". */
export function netcatOutcome(r: ExecResult): RequestResult['outcome'] {
  if (r.exitCode === 0) return 'ok';
  if (r.exitCode === 124) return 'timeout'; // timeout(1) ended it
  if (/refused/i.test(r.stderr)) return 'refused';
  if (/No route|unreachable/i.test(r.stderr)) return 'unreachable';
  if (/timed out|Operation now in progress/i.test(r.stderr)) return 'timeout';
  throw new Error(`nc exited with ${r.exitCode}: ${r.stderr.trim()}`);
}
