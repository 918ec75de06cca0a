/**
 * Docker's iptables backend (moby's iptabler, and the bridge driver's iptables code before
 * it): each `Firewall` event runs the chain layout's rule writer (rule-writer.ts) against
 * the host's iptables tables, so the rules and their order are exactly what Docker writes.
 */
import type {
  BridgeRuleConfig,
  Firewall,
  FirewallConfig,
  PortForward,
  ProgrammedNetwork,
} from './firewall.ts';
import type { IPTable } from './ip-table.ts';
import { type BridgeRuleWriter, ruleWriterFor } from './rule-writer.ts';

export class IptablesFirewall implements Firewall {
  readonly backend = 'iptables';
  private readonly ipt: IPTable;
  private readonly writer: BridgeRuleWriter;
  private readonly hairpin: boolean;
  /** FilterForwardDrop registers itself for firewalld reloads: the policy is set again then. */
  private forwardDropped = false;

  constructor(config: FirewallConfig) {
    this.ipt = config.iptables;
    this.hairpin = config.hairpin;
    this.writer = ruleWriterFor(config.profile, { allowDirectRouting: config.allowDirectRouting });
  }

  setupBaseChains(): void {
    this.writer.startDriver(this.ipt, { hairpin: this.hairpin });
  }

  filterForwardDrop(): void {
    this.ipt.run(['-P', 'FORWARD', 'DROP']);
    this.forwardDropped = true;
  }

  arrangeUserChain(moment: 'controller-start' | 'network-created'): void {
    if (moment === 'controller-start') this.writer.controllerUp(this.ipt);
    else this.writer.networkCreated(this.ipt);
  }

  addNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void {
    this.writer.addNetwork(this.ipt, n, others);
  }

  delNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void {
    this.writer.removeNetwork(this.ipt, n, others);
  }

  addEndpoint(n: BridgeRuleConfig, address: string): void {
    this.writer.addEndpoint(this.ipt, n, address);
  }

  delEndpoint(n: BridgeRuleConfig, address: string): void {
    this.writer.removeEndpoint(this.ipt, n, address);
  }

  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    for (const p of ports) this.writer.forwardPort(this.ipt, n, '-A', p);
  }

  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    for (const p of ports) this.writer.forwardPort(this.ipt, n, '-D', p);
  }

  /**
   * moby v28.5.2: the OnReloaded callbacks run in registration order — the chains
   * (setupIPChains, nothing removed), the FORWARD DROP policy if Docker set it, the
   * DOCKER-USER chain — then handleFirewalldReload re-applies each network's rules and
   * its endpoints' and ports' rules. Every writer checks before it adds, so rules the
   * reload kept are not doubled. Not yet checked on a real firewalld host.
   */
  reload(networks: readonly ProgrammedNetwork[]): void {
    this.writer.recreateChains(this.ipt, { hairpin: this.hairpin });
    if (this.forwardDropped) this.ipt.run(['-P', 'FORWARD', 'DROP']);
    this.writer.controllerUp(this.ipt);
    const configs = networks.map((n) => n.config);
    networks.forEach((n, k) => {
      this.writer.addNetwork(this.ipt, n.config, configs.slice(0, k));
      for (const address of n.endpoints) this.writer.addEndpoint(this.ipt, n.config, address);
      this.addPorts(n.config, n.ports);
    });
    // 17.06 … 26.1: DOCKER-USER's jump goes back to the top of FORWARD.
    this.writer.networkCreated(this.ipt);
  }

  /** Docker's rules are in the host's iptables tables, which the daemon resets itself. */
  hostRebooted(): void {
    this.forwardDropped = false;
  }

  /** Docker's rules are in the host's iptables tables, which the daemon renames itself. */
  renameBridge(): void {}

  nftRuleset(): undefined {
    return undefined;
  }
}
