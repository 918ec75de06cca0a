/**
 * Docker's iptables backend (moby's iptabler, and the bridge driver's iptables code before
 * it): each `Firewall` event runs the chain layout's rule writer (rule-writer.ts) against
 * the host's iptables tables, so the rules and their order are exactly what Docker writes.
 * With ip6tables on (FirewallConfig.ip6tables) the same writer runs against the host's
 * ip6tables tables too, for the IPv6 half of each network that has one (iptabler's
 * `configure(IPv6, Config6)`), its containers' IPv6 addresses and its IPv6 port bindings.
 */
import { addressFamily } from '../netfilter/address/index.ts';
import type {
  BridgeRuleConfig,
  Firewall,
  FirewallConfig,
  PortForward,
  ProgrammedNetwork,
} from './firewall.ts';
import type { IPTable } from './ip-table.ts';
import { type BridgeRuleWriter, ruleWriterFor } from './rule-writer.ts';

/** The IPv6 half of a network as the writers take it (their `subnet` is the table's family). */
export function ipv6Config(n: BridgeRuleConfig): BridgeRuleConfig | undefined {
  if (!n.ipv6) return undefined;
  const { ipv6, snatSource: _v4Snat, gatewayMode: _v4Mode, ...rest } = n;
  return {
    ...rest,
    subnet: ipv6.subnet,
    ...(ipv6.snatSource ? { snatSource: ipv6.snatSource } : {}),
    gatewayMode: ipv6.gatewayMode ?? 'nat',
  };
}

const isV6 = (address: string): boolean => addressFamily(address) === 'ipv6';

/** A binding whose host address and container address are of different families gets no rules. */
const sameFamily = (p: PortForward): boolean => isV6(p.hostIp) === isV6(p.containerIp);

export class IptablesFirewall implements Firewall {
  readonly backend = 'iptables';
  private readonly ipt: IPTable;
  private readonly ipt6: IPTable | undefined;
  private readonly writer: BridgeRuleWriter;
  private readonly hairpin: boolean;
  /** FilterForwardDrop registers itself for firewalld reloads: the policy is set again then. */
  private readonly forwardDropped = new Set<'ipv4' | 'ipv6'>();

  constructor(config: FirewallConfig) {
    this.ipt = config.iptables;
    this.ipt6 = config.ip6tables;
    this.hairpin = config.hairpin;
    this.writer = ruleWriterFor(config.profile, { allowDirectRouting: config.allowDirectRouting });
  }

  /** The tables of each family Docker writes: iptables, then ip6tables (NewIptabler's order). */
  private tables(): IPTable[] {
    return this.ipt6 ? [this.ipt, this.ipt6] : [this.ipt];
  }

  setupBaseChains(): void {
    for (const t of this.tables()) this.writer.startDriver(t, { hairpin: this.hairpin });
  }

  filterForwardDrop(family: 'ipv4' | 'ipv6' = 'ipv4'): void {
    const t = family === 'ipv6' ? this.ipt6 : this.ipt;
    if (!t) return;
    t.run(['-P', 'FORWARD', 'DROP']);
    this.forwardDropped.add(family);
  }

  arrangeUserChain(moment: 'controller-start' | 'network-created'): void {
    for (const t of this.tables()) {
      if (moment === 'controller-start') this.writer.controllerUp(t);
      else this.writer.networkCreated(t);
    }
  }

  /** Each family's config of `n` with the table it goes to, and the others' of that family. */
  private halves(
    n: BridgeRuleConfig,
    others: readonly BridgeRuleConfig[],
  ): Array<{ t: IPTable; c: BridgeRuleConfig; others: BridgeRuleConfig[] }> {
    const out = [{ t: this.ipt, c: n, others: [...others] }];
    const c6 = ipv6Config(n);
    if (this.ipt6 && c6) {
      const others6 = others.flatMap((o) => ipv6Config(o) ?? []);
      out.push({ t: this.ipt6, c: c6, others: others6 });
    }
    return out;
  }

  addNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void {
    for (const h of this.halves(n, others)) this.writer.addNetwork(h.t, h.c, h.others);
    this.isolateIPv4Only(n, others, true);
  }

  delNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void {
    for (const h of this.halves(n, others)) this.writer.removeNetwork(h.t, h.c, h.others);
    this.isolateIPv4Only(n, others, false);
  }

  /** An IPv4-only network's isolation in ip6tables, where the layout writes it (≤ 26.1). */
  private isolateIPv4Only(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[], enable: boolean) {
    if (this.ipt6 && !n.ipv6) this.writer.isolateOnly?.(this.ipt6, n, others, enable);
  }

  /** The table and network config for an address of either family; undefined: no rules for it. */
  private forAddress(n: BridgeRuleConfig, address: string): { t: IPTable; c: BridgeRuleConfig } | undefined {
    if (!isV6(address)) return { t: this.ipt, c: n };
    const c6 = ipv6Config(n);
    return this.ipt6 && c6 ? { t: this.ipt6, c: c6 } : undefined;
  }

  addEndpoint(n: BridgeRuleConfig, address: string): void {
    const h = this.forAddress(n, address);
    if (h) this.writer.addEndpoint(h.t, h.c, address);
  }

  delEndpoint(n: BridgeRuleConfig, address: string): void {
    const h = this.forAddress(n, address);
    if (h) this.writer.removeEndpoint(h.t, h.c, address);
  }

  private ports(n: BridgeRuleConfig, ports: readonly PortForward[], action: '-A' | '-D'): void {
    for (const p of ports) {
      if (!sameFamily(p)) continue;
      const h = this.forAddress(n, p.containerIp);
      if (h) this.writer.forwardPort(h.t, h.c, action, p);
    }
  }

  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    this.ports(n, ports, '-A');
  }

  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    this.ports(n, ports, '-D');
  }

  /**
   * moby v28.5.2: the OnReloaded callbacks run in registration order — the chains
   * (setupIPChains, nothing removed), the FORWARD DROP policy if Docker set it, the
   * DOCKER-USER chain — then handleFirewalldReload re-applies each network's rules and
   * its endpoints' and ports' rules. Every writer checks before it adds, so rules the
   * reload kept are not doubled. Checked on real firewalld hosts (28.5 and 26.1).
   */
  reload(networks: readonly ProgrammedNetwork[]): void {
    for (const t of this.tables()) this.writer.recreateChains(t, { hairpin: this.hairpin });
    for (const family of this.forwardDropped) this.filterForwardDrop(family);
    for (const t of this.tables()) this.writer.controllerUp(t);
    // 17.06 … 26.1: arrangeUserFilterRule was registered when the controller came up, before
    // the networks' callbacks, so DOCKER-USER's jump goes to the top of FORWARD first and each
    // network's setupIPTables then puts the DOCKER-ISOLATION-STAGE-1 jump above it (moby
    // v26.1.5 firewall_linux.go, setup_ip_tables_linux.go; measured on a 26.1 firewalld host).
    for (const t of this.tables()) this.writer.networkCreated(t);
    const configs = networks.map((n) => n.config);
    networks.forEach((n, k) => {
      if (n.removed) {
        // Its setupIP4Tables/setupIP6Tables callbacks, not its isolation (setINC is no callback).
        for (const h of this.halves(n.config, [])) this.writer.reloadRemovedNetwork?.(h.t, h.c);
        return;
      }
      this.addNetwork(n.config, configs.slice(0, k));
      for (const address of n.endpoints) this.addEndpoint(n.config, address);
      this.addPorts(n.config, n.ports);
    });
  }

  /** Docker's rules are in the host's iptables tables, which the daemon resets itself. */
  hostRebooted(): void {
    this.forwardDropped.clear();
  }

  /** Docker's rules are in the host's iptables tables, which the daemon renames itself. */
  renameBridge(): void {}

  nftRuleset(): undefined {
    return undefined;
  }
}
