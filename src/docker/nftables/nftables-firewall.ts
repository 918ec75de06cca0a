/**
 * The nftables backend (`dockerd --firewall-backend=nftables`, 29.x) behind the daemon's
 * `Firewall` seam: Docker's rules live in `table ip docker-bridges`, a native nft table
 * the packet path walks beside the host's iptables tables; iptables itself is left alone.
 *
 * Not modelled: the `ip6 docker-bridges` table (the model has no IPv6 networks), the
 * cleaner that removes an earlier iptables daemon's chains, `--link` rules, WSL2 mirrored
 * networking, accept_fwmark. Like moby's Nftabler, it has no FilterForwardDrop: the
 * daemon only checks that forwarding is on.
 */

import { addressFamily } from '../../netfilter/address/index.ts';
import type { NftRuleset } from '../../netfilter/nft/types.ts';
import type {
  BridgeRuleConfig,
  Firewall,
  FirewallConfig,
  PortForward,
  ProgrammedNetwork,
} from '../firewall.ts';
import { startFailure } from '../refusals.ts';
import { DockerBridgesTable, type NftModifier, NftTableError } from './docker-bridges-table.ts';
import { baseChains, DOCKER_TABLE, directAccessRule, networkRules, portRules } from './nftabler.ts';

const isV6 = (address: string): boolean => addressFamily(address) === 'ipv6';
/** Bindings `table ip docker-bridges` takes: IPv4 on both sides (the ip6 table is not modelled yet). */
const isV4Binding = (p: PortForward): boolean => !isV6(p.hostIp) && !isV6(p.containerIp);

export class NftablesFirewall implements Firewall {
  readonly backend = 'nftables' as const;
  private readonly table4 = new DockerBridgesTable('ip', DOCKER_TABLE);
  /** The live ruleset: the same object for the daemon's whole life. */
  private readonly ruleset: NftRuleset = { tables: [] };
  /** Each network's batch reversed (moby keeps the Modifier's Reverse() per network). */
  private readonly removers = new Map<string, NftModifier>();
  private started = false;

  constructor(private readonly config: Pick<FirewallConfig, 'hairpin' | 'allowDirectRouting' | 'profile'>) {}

  setupBaseChains(): void {
    // A restarted daemon declares the table again: nft flushes what the last one wrote.
    if (this.started) this.table4.takeOver();
    this.removers.clear();
    this.table4.apply(baseChains({ hairpin: this.config.hairpin }));
    if (!this.ruleset.tables.includes(this.table4.table)) this.ruleset.tables.push(this.table4.table);
    this.started = true;
  }

  /** The host rebooted: the kernel has no docker-bridges table until the daemon starts again. */
  hostRebooted(): void {
    this.table4.clear();
    this.removers.clear();
    this.ruleset.tables = this.ruleset.tables.filter((t) => t !== this.table4.table);
    this.started = false;
  }

  arrangeUserChain(): void {
    // No DOCKER-USER: users put their own base chains at the hooks instead.
  }

  addNetwork(n: BridgeRuleConfig): void {
    const m = networkRules(n);
    this.table4.apply(m);
    this.removers.set(n.bridge, m.reverse());
  }

  delNetwork(n: BridgeRuleConfig): void {
    const remover = this.removers.get(n.bridge);
    if (!remover) return;
    this.table4.apply(remover);
    this.removers.delete(n.bridge);
  }

  addEndpoint(n: BridgeRuleConfig, address: string): void {
    if (isV6(address)) return; // `table ip6 docker-bridges` is not modelled yet.
    const m = directAccessRule(n, address, this.config);
    if (m) this.table4.apply(m);
  }

  delEndpoint(n: BridgeRuleConfig, address: string): void {
    if (isV6(address)) return;
    const m = directAccessRule(n, address, this.config);
    if (m) this.table4.apply(m.reverse());
  }

  /**
   * A batch nft would refuse fails the container's start, with moby's words. One way in:
   * with the userland proxy off, two host ports for one container port give the same
   * "MASQ TO OWN PORT" rule twice, which moby 29.7.2 adds without IgnoreExist (read, not
   * measured: no Docker 29 runs here).
   */
  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    try {
      this.table4.apply(portRules(n, ports.filter(isV4Binding), true, this.config));
    } catch (e) {
      if (!(e instanceof NftTableError)) throw e;
      throw startFailure(this.config.profile, `adding rules for bridge ${n.bridge}: ${e.message}`);
    }
  }

  /** Rules a failed start never added are not there to delete: the rest go. */
  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    const m = portRules(n, ports.filter(isV4Binding), false, this.config);
    for (const c of m.changes) if (c.obj.kind === 'rule') c.obj = { ...c.obj, ignoreExist: true };
    this.table4.apply(m);
  }

  reload(_networks: readonly ProgrammedNetwork[]): void {
    // firewalld's reload leaves native nft tables alone: nothing to restore.
  }

  renameBridge(from: string, to: string): void {
    this.table4.rename(from, to);
    const remover = this.removers.get(from);
    if (remover) {
      this.removers.delete(from);
      this.removers.set(to, renamedModifier(remover, from, to));
    }
  }

  nftRuleset(): NftRuleset {
    return this.ruleset;
  }
}

/** A stored batch with a bridge's name changed in every object it names. */
function renamedModifier(m: NftModifier, from: string, to: string): NftModifier {
  const name = (s: string) => (s.endsWith(`__${from}`) ? `${s.slice(0, -from.length)}${to}` : s);
  const text = (t: string) => t.replaceAll(`"${from}"`, `"${to}"`).replace(/__\S+/g, (w) => name(w));
  const out = m.reverse().reverse();
  for (const c of out.changes) {
    const o = c.obj;
    if (o.kind === 'chain' || o.kind === 'vmap') c.obj = { ...o, name: name(o.name) };
    else if (o.kind === 'rule') c.obj = { ...o, chain: name(o.chain), text: text(o.text) };
    else c.obj = { ...o, key: text(o.key), value: text(o.value) };
  }
  return out;
}
