/**
 * Swarm mode on one node, as far as the host's iptables see it (seed 003, moby's
 * swarm-portmap document). `docker swarm init` creates the bridge network docker_gwbridge
 * (the next free predefined subnet, 172.18.0.0/16 on a fresh host; icc off, masquerade on)
 * and joins the ingress sandbox ("ingress-sbox") to it: the sandbox gets the first address
 * after the gateway. A service publishing a port on the routing mesh joins each task to
 * docker_gwbridge too and, for the port, writes the filter and nat DOCKER-INGRESS chains:
 *   nat:    PREROUTING/OUTPUT `-m addrtype --dst-type LOCAL -j DOCKER-INGRESS` (inserted at the top),
 *           DNAT of the published port to the sandbox's address, same port; then RETURN;
 *           POSTROUTING `-o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE` (top);
 *   filter: the jump to DOCKER-INGRESS first in DOCKER-FORWARD (28.x+) or FORWARD under
 *           DOCKER-USER (until 26.x, re-arranged after every network created in swarm mode);
 *           ACCEPT --dport P, ACCEPT --sport P of RELATED,ESTABLISHED, then RETURN;
 *   sysctl: net.ipv4.conf.docker_gwbridge.route_localnet=1.
 * What happens behind the DNAT — IPVS in the sandbox balancing to the tasks over the
 * ingress overlay — is not modelled: the packet path ends at the sandbox's address.
 * Facts read in moby's libnetwork (service_linux.go programIngress, default_gateway*.go,
 * controller.go NewNetwork) at v20.10.24, v26.1.5, v28.5.2 and docker-v29.7.2; 29.x's
 * nftables backend refuses swarm mode (config_linux.go IsSwarmCompatible).
 */
import type { DockerDaemonModel } from './daemon-model.ts';
import { DockerModelError } from './daemon-state.ts';
import { DockerRefusal } from './refusals.ts';
import type { IngressPort, ServiceInfo, ServiceSpec } from './swarm-script.ts';

export type { IngressPort, ServiceInfo, ServiceSpec } from './swarm-script.ts';

const DAEMON = 'Error response from daemon: ';
const INGRESS = 'DOCKER-INGRESS';
export const GW_NETWORK = 'docker_gwbridge';
export const INGRESS_SANDBOX = 'ingress-sbox';
/** Swarm's dynamic range for a published port left out (`--publish 80`). */
const DYNAMIC_PORTS: [number, number] = [30000, 32767];

interface Service {
  name: string;
  ports: Required<IngressPort>[];
  tasks: string[];
}

/**
 * The rule accepting replies from a published port, in the words each version passes to
 * iptables (their order decides the order of matches iptables-save prints): 20.10's
 * vendored libnetwork `-m state` first (seed 003: "state RELATED,ESTABLISHED tcp spt:…"),
 * 23.0+ `-m conntrack` after the port.
 */
function acceptReplies(version: string, protocol: string, port: string): string[] {
  const major = Number.parseInt(version, 10);
  return major < 23
    ? ['-m', 'state', '-p', protocol, '--sport', port, '--state', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']
    : [
        '-p',
        protocol,
        '--sport',
        port,
        '-m',
        'conntrack',
        '--ctstate',
        'ESTABLISHED,RELATED',
        '-j',
        'ACCEPT',
      ];
}

export class SwarmMode {
  private readonly services: Service[] = [];
  private serviceCount = 0;

  private constructor(
    private readonly model: DockerDaemonModel,
    /** The ingress sandbox's address on docker_gwbridge: where DOCKER-INGRESS DNATs to. */
    readonly gatewayAddress: string,
  ) {}

  /** `docker swarm init` on a host that is not in a swarm yet. */
  static init(model: DockerDaemonModel): SwarmMode {
    if (model.firewall?.backend === 'nftables')
      throw new DockerRefusal(`${DAEMON}--firewall-backend=nftables is incompatible with swarm mode`);
    // The ingress sandbox has no gateway on the overlay: it needs docker_gwbridge (needDefaultGW).
    model.createNetwork({
      name: GW_NETWORK,
      options: {
        'com.docker.network.bridge.name': GW_NETWORK,
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
      },
    });
    const sandbox = model.run({ name: INGRESS_SANDBOX, network: GW_NETWORK });
    if (!sandbox.address) throw new DockerModelError(`${INGRESS_SANDBOX} got no address on ${GW_NETWORK}`);
    return new SwarmMode(model, sandbox.address);
  }

  static alreadyInSwarm(): DockerRefusal {
    return new DockerRefusal(
      `${DAEMON}This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.`,
    );
  }

  static notAManager(): DockerRefusal {
    return new DockerRefusal(
      `${DAEMON}This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.`,
    );
  }

  /** `docker service create`: its tasks join docker_gwbridge, its ports get DOCKER-INGRESS rules. */
  createService(spec: ServiceSpec): ServiceInfo {
    this.serviceCount += 1;
    const name = spec.name ?? `service${this.serviceCount}`;
    if (this.services.some((s) => s.name === name))
      throw new DockerRefusal(
        `${DAEMON}rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`,
      );
    const ports = this.assignPorts(spec.ports);
    const tasks: string[] = [];
    for (let i = 1; i <= spec.replicas; i++) {
      const task = `${name}.${i}`;
      this.model.run({ name: task, network: GW_NETWORK });
      tasks.push(task);
    }
    this.services.push({ name, ports, tasks });
    if (ports.length > 0) this.programIngress(ports);
    return { name, ports };
  }

  /** Published ports: as given, or the lowest free of swarm's dynamic range; one service per port. */
  private assignPorts(wanted: readonly IngressPort[]): Required<IngressPort>[] {
    const used = new Set(
      this.services.flatMap((s) => s.ports.map((p) => `${p.publishedPort}/${p.protocol}`)),
    );
    const out: Required<IngressPort>[] = [];
    for (const p of wanted) {
      let published = p.publishedPort;
      if (published === undefined) {
        published = DYNAMIC_PORTS[0];
        while (used.has(`${published}/${p.protocol}`) && published < DYNAMIC_PORTS[1]) published++;
      }
      const key = `${published}/${p.protocol}`;
      if (used.has(key)) {
        const owner = this.services.find((s) =>
          s.ports.some((q) => `${q.publishedPort}/${q.protocol}` === key),
        );
        throw new DockerRefusal(
          `${DAEMON}rpc error: code = InvalidArgument desc = port '${published}' is already in use by service '${owner?.name}' as an ingress port`,
        );
      }
      used.add(key);
      out.push({ protocol: p.protocol, publishedPort: published, targetPort: p.targetPort });
    }
    return out;
  }

  /** programIngress for ports that are new to the node. */
  private programIngress(ports: readonly Required<IngressPort>[]): void {
    const m = this.model;
    if (!m.firewall) return; // --iptables=false: swarm writes no rules either.
    const fw = m.fw;
    const layout = m.profile.layout;
    for (const table of ['nat', 'filter'] as const) {
      fw.newChain(table, INGRESS);
      if (!fw.exists(table, INGRESS, ['-j', 'RETURN'])) fw.run(['-t', table, '-A', INGRESS, '-j', 'RETURN']);
    }
    for (const chain of ['OUTPUT', 'PREROUTING'])
      fw.programRule('nat', chain, '-I', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', INGRESS]);
    if (layout === 'forward-chains') {
      // 28.0.1+: first in DOCKER-FORWARD, and an older daemon's jump in FORWARD goes.
      fw.programRule('filter', 'DOCKER-FORWARD', '-I', ['-j', INGRESS]);
      fw.programRule('filter', 'FORWARD', '-D', ['-j', INGRESS]);
    } else {
      fw.programRule('filter', 'FORWARD', '-I', ['-j', INGRESS]);
      m.firewall.arrangeUserChain('network-created');
    }
    m.sysctl(`net.ipv4.conf.${GW_NETWORK}.route_localnet`, '1');
    fw.programRule('nat', 'POSTROUTING', '-I', [
      '-m',
      'addrtype',
      '--src-type',
      'LOCAL',
      '-o',
      GW_NETWORK,
      '-j',
      'MASQUERADE',
    ]);
    for (const p of ports) {
      const published = String(p.publishedPort);
      fw.run([
        '-t',
        'nat',
        '-I',
        INGRESS,
        '-p',
        p.protocol,
        '--dport',
        published,
        '-j',
        'DNAT',
        '--to-destination',
        `${this.gatewayAddress}:${published}`,
      ]);
      fw.run(['-I', INGRESS, ...acceptReplies(m.profile.version, p.protocol, published)]);
      fw.run(['-I', INGRESS, '-p', p.protocol, '--dport', published, '-j', 'ACCEPT']);
    }
  }

  /**
   * A network was created in swarm mode: until 26.x the controller moves the jump to
   * DOCKER-INGRESS back to the top of FORWARD, then DOCKER-USER above it
   * (arrangeIngressFilterRule, arrangeUserFilterRule).
   */
  networkCreated(): void {
    const m = this.model;
    if (!m.firewall || m.profile.layout === 'forward-chains' || !m.fw.chainExists('filter', INGRESS)) return;
    m.fw.programRule('filter', 'FORWARD', '-D', ['-j', INGRESS]);
    m.fw.run(['-I', 'FORWARD', '-j', INGRESS]);
    m.firewall.arrangeUserChain('network-created');
  }

  /** A daemon restart or reboot in swarm mode: the model does not follow swarm through it. */
  static notModelled(what: string): DockerModelError {
    return new DockerModelError(
      `${what} in swarm mode is not modelled (the ingress sandbox and tasks would be re-created)`,
    );
  }
}
