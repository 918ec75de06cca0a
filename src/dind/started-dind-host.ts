/**
 * A running DinD host and what can be asked of it: exec, the inner docker CLI,
 * iptables (save, zero), interfaces, listeners, docker-proxy, reset. Every framework's
 * counters: src/dind/firewall-io.ts.
 */
import createDebug from 'debug';
import { execa } from 'execa';
import type { StartedTestContainer } from 'testcontainers';
import type { HostFirewall } from '../contract.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { DindExecError } from './errors.ts';
import { commandText, toArgv } from './exec-result.ts';
import { HostAgentPool } from './host-agent.ts';
import { type OutsideMachine, onMachine } from './outside-world.ts';
import { enableOutsideWorldIpv6 } from './outside-world-ipv6.ts';
import { BRIDGE_NAME_FORMAT, bridgeNameFromInspect } from './parse/bridge-name.ts';
import { parseIpAddrJson } from './parse/ip-json.ts';
import { type DockerProxyProcess, parseDockerProxies, parseListeners } from './parse/listeners.ts';
import { killAndAwaitExitArgv } from './process-exit.ts';
import type { StartStrategy } from './start-strategies.ts';

const log = createDebug('nettwin:dind');

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Zero every table iptables-save shows (zeroing an absent table would create it). */
const ZERO_ALL = 'for t in $(iptables-save | sed -n "s/^\\*//p"); do iptables -t "$t" -Z || exit 1; done';

function withoutComments(save: string): string {
  return save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .trim();
}

export interface HostIdentity {
  name: string;
  dockerVersion: string;
  daemonOptions: string[];
  hostFirewall?: HostFirewall;
  /** IPv6 on in the host and its outside world (src/dind/outside-world-ipv6.ts). */
  ipv6?: boolean;
  address: string;
  strategy: StartStrategy['name'];
}

export class StartedDindHost implements AsyncDisposable {
  private startRuleset = '';
  /** Seconds the inner daemon took to answer, for the bench. */
  startSeconds = 0;
  private readonly agents: HostAgentPool;

  constructor(
    private readonly container: StartedTestContainer,
    readonly identity: HostIdentity,
  ) {
    this.agents = new HostAgentPool(container.getId(), identity.name);
  }

  get name(): string {
    return this.identity.name;
  }
  get address(): string {
    return this.identity.address;
  }
  get id(): string {
    return this.container.getId();
  }

  /** Run argv (or a shell line) on the host; never throws for a non-zero exit. */
  async exec(command: string | string[]): Promise<ExecResult> {
    return this.agents.exec(toArgv(command));
  }

  /** exec, throwing DindExecError (with the command and output) on a non-zero exit. */
  async run(command: string | string[]): Promise<string> {
    const result = await this.exec(command);
    if (result.exitCode !== 0) {
      throw new DindExecError(this.name, commandText(command), result.exitCode, result.stdout, result.stderr);
    }
    return result.stdout;
  }

  /** Run argv on a machine of the host's outside world (the external client, the neighbour). */
  execOn(machine: OutsideMachine, argv: string[]): Promise<ExecResult> {
    return this.exec(onMachine(machine, argv));
  }

  /** The inner docker CLI. */
  docker(args: string[]): Promise<ExecResult> {
    return this.exec(['docker', ...args]);
  }

  async dockerOrThrow(args: string[]): Promise<string> {
    return (await this.run(['docker', ...args])).trim();
  }

  /** Record the daemon-start state that reset() restores and checks. */
  async recordStartState(): Promise<void> {
    this.startRuleset = withoutComments(await this.run('iptables-save'));
  }

  async iptablesSaveText(options: { counters?: boolean } = {}): Promise<string> {
    return this.run(options.counters === false ? ['iptables-save'] : ['iptables-save', '-c']);
  }

  /** `iptables-save -c`, parsed. */
  async iptablesSave(): Promise<Ruleset> {
    return parseRuleset(await this.iptablesSaveText(), {
      file: `iptables-save -c on DinD host "${this.name}"`,
    });
  }

  async zeroCounters(): Promise<void> {
    await this.run(ZERO_ALL);
  }

  async interfaces(): Promise<HostInterface[]> {
    return parseIpAddrJson(await this.run(['ip', '-j', '-d', 'addr']));
  }

  async dockerProxies(): Promise<DockerProxyProcess[]> {
    return parseDockerProxies(await this.run(['ps', '-eo', 'pid=,args=']));
  }

  async listeners(): Promise<Listener[]> {
    const out = await this.run('ss -Hltnup; echo "--- ps"; ps -eo pid=,args=');
    const [ss, ps] = out.split('--- ps\n');
    return parseListeners(ss ?? '', parseDockerProxies(ps ?? ''));
  }

  /** Kill docker-proxy processes: all, or those serving one host port. Returns the pids. */
  async killDockerProxy(hostPort?: number): Promise<number[]> {
    const pids = (await this.dockerProxies())
      .filter((p) => hostPort === undefined || p.hostPort === hostPort)
      .map((p) => p.pid);
    // Until they have closed their sockets: a dying proxy still takes connections (process-exit.ts).
    if (pids.length > 0) await this.run(killAndAwaitExitArgv(pids));
    log('Killed docker-proxy %o on DinD host "%s"', pids, this.name);
    return pids;
  }

  /** The Linux bridge behind an inner network: docker0, br-<12 hex>, or its bridge.name option. */
  async bridgeName(network: string): Promise<string> {
    const out = await this.dockerOrThrow(['network', 'inspect', '-f', BRIDGE_NAME_FORMAT, network]);
    return bridgeNameFromInspect(network, out);
  }

  /** Make `image` available to the inner daemon: pre-seeded images cost nothing. */
  async ensureImage(image: string): Promise<'present' | 'loaded'> {
    if ((await this.docker(['image', 'inspect', image])).exitCode === 0) return 'present';
    log('Loading image "%s" into DinD host "%s"...', image, this.name);
    await execa('sh', ['-c', 'docker save "$1" | docker exec -i "$2" docker load', 'sh', image, this.id]);
    return 'loaded';
  }

  /**
   * Back to a fresh host: `nettwin-reset` (docker/common/reset.sh) removes the inner
   * containers, stops dockerd, drops its network store (IPAM included), restores the
   * kernel state recorded before dockerd's first start (rules, bridges, conntrack,
   * neighbours, sysctls, the outside world) and starts dockerd again. Returns false
   * when the ruleset then differs from the one recorded at start (the caller replaces
   * the host).
   */
  async reset(): Promise<boolean> {
    const result = await this.exec(`nettwin-reset && ${ZERO_ALL} && iptables-save`);
    if (result.exitCode !== 0) {
      log('Reset of DinD host "%s" failed: %s', this.name, result.stderr);
      return false;
    }
    // The reset rebuilt the outside world from the image's script, IPv4 only.
    if (this.identity.ipv6) await enableOutsideWorldIpv6(this);
    const same = withoutComments(result.stdout) === this.startRuleset;
    if (!same) log('DinD host "%s" ruleset differs from its start ruleset after reset', this.name);
    return same;
  }

  async stop(): Promise<void> {
    log('Stopping DinD host "%s"...', this.name);
    this.agents.close();
    // The inner daemon's state lives in a tmpfs: nothing to save, so no graceful stop.
    await this.container.stop({ timeout: 0, remove: true, removeVolumes: true });
    log('Stopped DinD host "%s"', this.name);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
