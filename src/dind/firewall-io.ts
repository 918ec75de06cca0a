/**
 * A DinD host's firewall on every framework, read and zeroed through argv commands (no
 * shell): iptables-nft through iptables-save (StartedDindHost), iptables-legacy's tables
 * where the host has any, and native nft tables (`nft list tables`, then each native
 * table on its own, so iptables-nft's tables are never parsed as nft text).
 *
 * Native counters are zeroed with `nft reset rules table FAMILY NAME` where nft knows it
 * (1.0.7+: trixie's 1.1.3, sid's 1.1.7). `nft reset counters` resets named counter
 * objects only, not the anonymous `counter` of a rule. Where nft is older (bookworm's
 * 1.0.6) the counters at zeroing time are kept as a baseline and subtracted instead.
 */

import { countersOf } from '../compare/counter-deltas.ts';
import type {
  CounterSet,
  HostCounters,
  HostFirewallState,
  NftCounterRow,
} from '../netfilter/firewall-state.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftFamily, NftRuleset } from '../netfilter/nft/types.ts';
import { nftCounterRows } from '../netfilter/nft-counters.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { DindExecError } from './errors.ts';
import type { ExecResult } from './started-dind-host.ts';

/** What this module needs of a started host. */
export interface FirewallHost {
  readonly name: string;
  exec(argv: string[]): Promise<ExecResult>;
  iptablesSave(): Promise<Ruleset>;
  zeroCounters(): Promise<void>;
}

/** iptables' table names: in an ip or ip6 nft table of that name on an iptables-nft host, iptables-nft's own. */
const IPTABLES_TABLES = new Set(['filter', 'nat', 'raw', 'mangle', 'security']);

export interface NftTableName {
  family: NftFamily;
  name: string;
}

/** `nft list tables` → the tables iptables-nft does not own. */
export function nativeTableNames(listing: string): NftTableName[] {
  const out: NftTableName[] = [];
  for (const line of listing.split('\n')) {
    const m = /^table\s+(ip|ip6|inet|arp|bridge|netdev)\s+([\w./-]+)\s*$/.exec(line.trim());
    if (!m) continue;
    const [, family, name] = m as unknown as [string, NftFamily, string];
    if ((family === 'ip' || family === 'ip6') && IPTABLES_TABLES.has(name)) continue;
    out.push({ family, name });
  }
  return out;
}

/**
 * `ip6tables -Z` for every table ip6tables-save shows, in one exec: zeroing an absent
 * table would create it. A fixed script: nothing of a scenario's input goes into it.
 */
const ZERO_IP6TABLES = [
  'sh',
  '-c',
  'for t in $(ip6tables-save | sed -n "s/^\\*//p"); do ip6tables -t "$t" -Z || exit 1; done',
];

export class DindFirewall {
  /** Native counters at the last zero(), where nft cannot reset them. */
  private nftBaseline: NftCounterRow[] | undefined;
  private resetRules: boolean | undefined;
  /**
   * Read and zero ip6tables' tables too: set once the scenario made an IPv6 network, so
   * IPv4 scenarios read exactly what they read before (Docker 28 writes ip6tables chains
   * at start even where no packet of IPv6 will ever pass).
   */
  ipv6 = false;

  constructor(private readonly host: FirewallHost) {}

  private async run(argv: string[]): Promise<string> {
    const r = await this.host.exec(argv);
    if (r.exitCode !== 0)
      throw new DindExecError(this.host.name, argv.join(' '), r.exitCode, r.stdout, r.stderr);
    return r.stdout;
  }

  /** iptables-legacy's tables, or undefined where the host has none (reading creates none). */
  private async legacy(): Promise<Ruleset | undefined> {
    const r = await this.host.exec(['iptables-legacy-save', '-c']);
    if (r.exitCode !== 0 || !r.stdout.includes('*')) return undefined;
    return parseRuleset(r.stdout, { file: `iptables-legacy-save -c on DinD host "${this.host.name}"` });
  }

  /** The native nft tables, or undefined where there are none. */
  private async nft(): Promise<{ tables: NftTableName[]; ruleset: NftRuleset } | undefined> {
    const list = await this.host.exec(['nft', 'list', 'tables']);
    if (list.exitCode !== 0) return undefined;
    const tables = nativeTableNames(list.stdout);
    if (tables.length === 0) return undefined;
    const texts = await Promise.all(tables.map((t) => this.run(['nft', 'list', 'table', t.family, t.name])));
    const ruleset = parseNftRuleset(texts.join(''), {
      file: `nft list table … on DinD host "${this.host.name}"`,
    });
    return { tables, ruleset };
  }

  /** `ip6tables-save -c`, parsed; undefined until an IPv6 network exists (see `ipv6`). */
  private async ip6(): Promise<Ruleset | undefined> {
    if (!this.ipv6) return undefined;
    const text = await this.run(['ip6tables-save', '-c']);
    return parseRuleset(text, { file: `ip6tables-save -c on DinD host "${this.host.name}"`, family: 'ipv6' });
  }

  async read(): Promise<HostFirewallState> {
    const [ruleset, legacy, nft, ip6] = await Promise.all([
      this.host.iptablesSave(),
      this.legacy(),
      this.nft(),
      this.ip6(),
    ]);
    const state: HostFirewallState = [{ framework: 'iptables-nft', family: 'ipv4', ruleset }];
    if (ip6) state.push({ framework: 'iptables-nft', family: 'ipv6', ruleset: ip6 });
    if (legacy) state.push({ framework: 'iptables-legacy', family: 'ipv4', ruleset: legacy });
    if (nft) state.push({ framework: 'nftables', ruleset: nft.ruleset });
    return state;
  }

  async zero(): Promise<void> {
    const [, legacy, nft] = await Promise.all([
      this.host.zeroCounters(),
      this.legacy(),
      this.nft(),
      this.ipv6 ? this.run(ZERO_IP6TABLES) : undefined,
    ]);
    // Only tables that exist: `iptables-legacy -Z` of an absent table would create it,
    // and a new legacy table changes what the kernel runs at its hooks.
    for (const table of legacy?.tables.map((t) => t.name) ?? []) {
      await this.run(['iptables-legacy', '-t', table, '-Z']);
    }
    this.nftBaseline = undefined;
    if (!nft) return;
    if (this.resetRules !== false) {
      for (const t of nft.tables) {
        const r = await this.host.exec(['nft', 'reset', 'rules', 'table', t.family, t.name]);
        if (r.exitCode !== 0) {
          this.resetRules = false;
          break;
        }
        this.resetRules = true;
      }
    }
    if (this.resetRules === false) this.nftBaseline = nftCounterRows(nft.ruleset);
  }

  async counters(): Promise<HostCounters> {
    const [ruleset, legacy, nft, ip6] = await Promise.all([
      this.host.iptablesSave(),
      this.legacy(),
      this.nft(),
      this.ip6(),
    ]);
    const counters: CounterSet[] = [{ framework: 'iptables-nft', family: 'ipv4', rows: countersOf(ruleset) }];
    if (ip6) counters.push({ framework: 'iptables-nft', family: 'ipv6', rows: countersOf(ip6) });
    if (legacy) counters.push({ framework: 'iptables-legacy', family: 'ipv4', rows: countersOf(legacy) });
    if (nft) {
      const now = nftCounterRows(nft.ruleset);
      counters.push({
        framework: 'nftables',
        rows: this.nftBaseline ? subtract(now, this.nftBaseline) : now,
      });
    }
    return counters;
  }
}

/** `after - before` per rule (matched by table, chain and text: positions move when rules are inserted). */
function subtract(after: NftCounterRow[], before: NftCounterRow[]): NftCounterRow[] {
  const key = (r: NftCounterRow) => `${r.family} ${r.table}\u0000${r.chain}: ${r.text}`;
  const base = new Map<string, NftCounterRow[]>();
  for (const r of before) base.set(key(r), [...(base.get(key(r)) ?? []), r]);
  const out: NftCounterRow[] = [];
  for (const r of after) {
    const b = base.get(key(r))?.shift();
    const packets = r.packets - (b?.packets ?? 0);
    const bytes = r.bytes - (b?.bytes ?? 0);
    if (packets !== 0 || bytes !== 0) out.push({ ...r, packets, bytes });
  }
  return out;
}
