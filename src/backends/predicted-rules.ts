/**
 * Docker 29's rules on a real kernel — not Docker 29's daemon (issue 22 point 3).
 *
 * No Debian suite ships Docker 29, so no real Docker 29 daemon runs here. For a profile
 * with no real engine that has one that can do its plumbing, the twin's real side is a
 * DinD host of that engine (28.5) whose daemon writes no firewall rules
 * (`--iptables=false --ip6tables=false`): it still makes the bridges, addresses,
 * containers, docker-proxy processes and the embedded DNS. The twin then loads, after every
 * Docker action, the rules the profile predicts (iptables-restore; `nft -f` for the
 * nftables backend's `docker-bridges` tables), so each step's traffic runs on a real
 * kernel against the model's rules and the counters are compared as for any engine.
 * IPv6 too: ip6tables-restore for the iptables backend's ip6tables rules, and the
 * `ip6 docker-bridges` table in the same nft script as the ip one.
 *
 * Pure: which engine plumbs which profile, the daemon options it gets, the texts to load.
 */
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import { iptablesOf, nftablesOf } from '../netfilter/firewall-state.ts';
import { serializeNftTable } from '../netfilter/nft/serialize.ts';
import { serializeRuleset } from '../netfilter/ruleset/serialize.ts';
import type { Ruleset } from '../netfilter/types.ts';

/** The table Docker 29's nftables backend writes (in families ip and ip6). */
export const DOCKER_NFT_TABLE = 'docker-bridges';

/** Daemon options only the firewall acts on (with a value after `=`, or none). */
const FIREWALL_ONLY = /^--(firewall-backend=|ip6?tables(=|$)|icc(=|$))/;

/**
 * The plumbing daemon's options: the scenario's, with the firewall off and without what
 * only the firewall does (the rules come from the model, whichever backend it predicts):
 * the backend choice, and `--icc`, which dockerd refuses beside `--iptables=false`.
 */
export function plumbingDaemonOptions(options: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as string;
    if (o === '--firewall-backend' || o === '--icc') {
      i++;
      continue;
    }
    if (FIREWALL_ONLY.test(o)) continue;
    kept.push(o);
  }
  return [...kept, '--iptables=false', '--ip6tables=false'];
}

/** What goes into the kernel: iptables-save texts for iptables-restore / ip6tables-restore, and an nft script. */
export interface PredictedFirewallTexts {
  iptables: string;
  /**
   * ip6tables-save text; undefined while the model has no ip6tables tables (no IPv6 network
   * yet): loading an empty dump would make tables the real host does not have.
   */
  ip6tables: string | undefined;
  /** Replaces Docker's nft tables atomically (declare, delete, add); undefined: none predicted. */
  nft: string | undefined;
}

/**
 * The ruleset with only the built-in chains iptables-nft has in the kernel: one with a rule
 * or a non-ACCEPT policy, or one the model says stays registered although empty
 * (`registered`, "table/CHAIN": IptablesState.materializedBuiltins — `-F` keeps a built-in,
 * `-X` removes it). A dump that names an empty built-in makes it, and then it counts:
 * Docker never names filter INPUT, so on its hosts INPUT counts nothing (ground truth e3).
 */
export function existingBuiltinsOnly(rs: Ruleset, registered: ReadonlySet<string>): Ruleset {
  return {
    tables: rs.tables.map((t) => ({
      ...t,
      chains: t.chains.filter(
        (c) =>
          !c.builtin ||
          c.rules.length > 0 ||
          (c.policy ?? 'ACCEPT') !== 'ACCEPT' ||
          registered.has(`${t.name}/${c.name}`),
      ),
    })),
  };
}

/**
 * The model's firewall as loadable texts. Only Docker's own nft tables are loaded: native
 * tables a scenario adds with a host command are already on the real host. `registered`:
 * see existingBuiltinsOnly.
 */
export function predictedFirewallTexts(
  state: HostFirewallState,
  registered: ReadonlySet<string> = new Set(),
): PredictedFirewallTexts {
  const iptables = serializeRuleset(existingBuiltinsOnly(iptablesOf(state), registered));
  const v6 = state.find((s) => s.framework === 'iptables-nft' && s.family === 'ipv6');
  // The model records which empty built-ins exist for IPv4 only: an empty ip6tables
  // built-in with policy ACCEPT is left out (Docker names none it does not use).
  const ip6tables =
    v6?.framework === 'iptables-nft'
      ? serializeRuleset(existingBuiltinsOnly(v6.ruleset, new Set()))
      : undefined;
  const tables = (nftablesOf(state)?.tables ?? []).filter((t) => t.name === DOCKER_NFT_TABLE);
  if (tables.length === 0) return { iptables, ip6tables, nft: undefined };
  const nft = tables
    .map(
      (t) =>
        `table ${t.family} ${t.name} {}\ndelete table ${t.family} ${t.name}\n${serializeNftTable(t, { stateless: true })}`,
    )
    .join('');
  return { iptables, ip6tables, nft };
}
