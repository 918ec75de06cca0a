/**
 * The nftables backend (`dockerd --firewall-backend=nftables`, 29.x) behind the daemon's
 * `Firewall` seam: Docker's rules live in `table ip docker-bridges` and, for networks with
 * IPv6, `table ip6 docker-bridges` — native nft tables the packet path walks beside the
 * host's iptables tables; iptables itself is left alone.
 *
 * moby's Nftabler creates the ip6 table at daemon start whenever ip6tables is on (29.x's
 * default); the model creates it with the first IPv6 network, as it keeps ip6tables' tables
 * (daemon-model's ruleset6): a script without IPv6 prints the ip table alone, as moby's
 * generated documents do. Its base chains are moby's, so once it exists it is exact.
 *
 * Not modelled: the cleaner that removes an earlier iptables daemon's chains, `--link`
 * rules, WSL2 mirrored networking, accept_fwmark. Like moby's Nftabler, it has no
 * FilterForwardDrop: the daemon only checks that forwarding is on.
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
import { ipv6Config } from '../iptables-firewall.ts';
import { startFailure } from '../refusals.ts';
import { DockerBridgesTable, type NftModifier, NftTableError } from './docker-bridges-table.ts';
import {
  baseChains,
  DOCKER_TABLE,
  type DockerTableFamily,
  directAccessRule,
  networkRules,
  portRules,
} from './nftabler.ts';

const isV6 = (address: string): boolean => addressFamily(address) === 'ipv6';
/** moby splitByContainerFam: a binding's rules go to the table of its container address. */
const bindingsOf = (ports: readonly PortForward[], family: DockerTableFamily) =>
  ports.filter((p) => isV6(p.containerIp) === (family === 'ip6'));

export class NftablesFirewall implements Firewall {
  readonly backend = 'nftables' as const;
  private readonly table4 = new DockerBridgesTable('ip', DOCKER_TABLE);
  private readonly table6 = new DockerBridgesTable('ip6', DOCKER_TABLE);
  /** The live ruleset: the same object for the daemon's whole life. */
  private readonly ruleset: NftRuleset = { tables: [] };
  /** Each network's batches reversed, per table (moby keeps remover4 / remover6 per network). */
  private readonly removers = new Map<string, NftModifier>();
  private readonly removers6 = new Map<string, NftModifier>();
  private started = false;
  /** The ip6 table has its base chains (from the first IPv6 network on). */
  private started6 = false;

  constructor(
    private readonly config: Pick<FirewallConfig, 'hairpin' | 'allowDirectRouting' | 'profile'> &
      Partial<Pick<FirewallConfig, 'ip6tables'>>,
  ) {}

  setupBaseChains(): void {
    // A restarted daemon declares the table again: nft flushes what the last one wrote.
    if (this.started) this.table4.takeOver();
    this.removers.clear();
    this.removers6.clear();
    this.table4.apply(baseChains({ hairpin: this.config.hairpin }));
    if (!this.ruleset.tables.includes(this.table4.table)) this.ruleset.tables.push(this.table4.table);
    this.started = true;
    if (this.started6) {
      // moby's Nftabler declares its ip6 table at every start: it stays, base chains anew.
      this.table6.takeOver();
      this.table6.apply(baseChains({ hairpin: this.config.hairpin, family: 'ip6' }));
    }
  }

  /**
   * The ip6 table, made ready on first use; undefined when the daemon writes no IPv6 rules
   * (`--ip6tables=false`, or a firewall config without ip6tables: moby's config.IPv6).
   */
  private ip6(): DockerBridgesTable | undefined {
    if (!this.config.ip6tables) return undefined;
    if (!this.started6) {
      this.table6.apply(baseChains({ hairpin: this.config.hairpin, family: 'ip6' }));
      if (!this.ruleset.tables.includes(this.table6.table)) this.ruleset.tables.push(this.table6.table);
      this.started6 = true;
    }
    return this.table6;
  }

  /** The host rebooted: the kernel has no docker-bridges table until the daemon starts again. */
  hostRebooted(): void {
    this.table4.clear();
    this.table6.clear();
    this.removers.clear();
    this.removers6.clear();
    this.ruleset.tables = [];
    this.started = false;
    this.started6 = false;
  }

  arrangeUserChain(): void {
    // No DOCKER-USER: users put their own base chains at the hooks instead.
  }

  addNetwork(n: BridgeRuleConfig): void {
    const m = networkRules(n);
    this.table4.apply(m);
    this.removers.set(n.bridge, m.reverse());
    const c6 = ipv6Config(n);
    const t6 = c6 && this.ip6();
    if (c6 && t6) {
      const m6 = networkRules(c6, 'ip6');
      t6.apply(m6);
      this.removers6.set(n.bridge, m6.reverse());
    }
  }

  delNetwork(n: BridgeRuleConfig): void {
    const remover6 = this.removers6.get(n.bridge);
    if (remover6) {
      this.table6.apply(remover6);
      this.removers6.delete(n.bridge);
    }
    const remover = this.removers.get(n.bridge);
    if (!remover) return;
    this.table4.apply(remover);
    this.removers.delete(n.bridge);
  }

  /** The table and rule config of an address's family on `n`; undefined where Docker writes nothing. */
  private forFamily(
    n: BridgeRuleConfig,
    v6: boolean,
  ): { table: DockerBridgesTable; c: BridgeRuleConfig; family: DockerTableFamily } | undefined {
    if (!v6) return { table: this.table4, c: n, family: 'ip' };
    const c = ipv6Config(n);
    if (!c || !this.removers6.has(n.bridge)) return undefined;
    return { table: this.table6, c, family: 'ip6' };
  }

  addEndpoint(n: BridgeRuleConfig, address: string): void {
    const f = this.forFamily(n, isV6(address));
    const m = f && directAccessRule(f.c, address, this.config, f.family);
    if (f && m) f.table.apply(m);
  }

  delEndpoint(n: BridgeRuleConfig, address: string): void {
    const f = this.forFamily(n, isV6(address));
    const m = f && directAccessRule(f.c, address, this.config, f.family);
    if (f && m) f.table.apply(m.reverse());
  }

  /**
   * A batch nft would refuse fails the container's start, with moby's words. One way in:
   * with the userland proxy off, two host ports for one container port give the same
   * "MASQ TO OWN PORT" rule twice, which moby 29.7.2 adds without IgnoreExist (read, not
   * measured: no Docker 29 runs here).
   */
  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    for (const v6 of [false, true]) {
      const f = this.forFamily(n, v6);
      if (!f) continue;
      try {
        f.table.apply(portRules(f.c, bindingsOf(ports, f.family), true, this.config, f.family));
      } catch (e) {
        if (!(e instanceof NftTableError)) throw e;
        throw startFailure(this.config.profile, `adding rules for bridge ${n.bridge}: ${e.message}`);
      }
    }
  }

  /** Rules a failed start never added are not there to delete: the rest go. */
  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void {
    for (const v6 of [false, true]) {
      const f = this.forFamily(n, v6);
      if (!f) continue;
      const m = portRules(f.c, bindingsOf(ports, f.family), false, this.config, f.family);
      for (const c of m.changes) if (c.obj.kind === 'rule') c.obj = { ...c.obj, ignoreExist: true };
      f.table.apply(m);
    }
  }

  reload(_networks: readonly ProgrammedNetwork[]): void {
    // firewalld's reload leaves native nft tables alone: nothing to restore.
  }

  renameBridge(from: string, to: string): void {
    this.table4.rename(from, to);
    this.table6.rename(from, to);
    for (const removers of [this.removers, this.removers6]) {
      const remover = removers.get(from);
      if (remover) {
        removers.delete(from);
        removers.set(to, renamedModifier(remover, from, to));
      }
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
