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
 *
 * Pure: which engine plumbs which profile, the daemon options it gets, the texts to load.
 */
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import { iptablesOf, nftablesOf } from '../netfilter/firewall-state.ts';
import { serializeNftTable } from '../netfilter/nft/serialize.ts';
import { serializeRuleset } from '../netfilter/ruleset/serialize.ts';
import type { Ruleset } from '../netfilter/types.ts';

/** Profiles whose rules run on a real kernel of another engine → that engine's version. */
export const PLUMBING_ENGINES: Readonly<Record<string, string>> = { '29.7': '28.5' };

/** The table Docker 29's nftables backend writes (in families ip and ip6). */
export const DOCKER_NFT_TABLE = 'docker-bridges';

/** "29.7", "29.7.2" → "28.5"; a version with its own real engine → undefined. */
export function plumbingEngineFor(dockerVersion: string): string | undefined {
  const [major, minor] = dockerVersion.split('.');
  return PLUMBING_ENGINES[`${major}.${minor}`];
}

/** The engine whose image a run needs for `dockerVersion` (itself, or its plumbing engine). */
export function engineImageVersion(dockerVersion: string): string {
  return plumbingEngineFor(dockerVersion) ?? dockerVersion;
}

/**
 * The plumbing daemon's options: the scenario's, without the firewall backend choice (the
 * rules come from the model, whichever backend it predicts), with the firewall off.
 */
export function plumbingDaemonOptions(options: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as string;
    if (o === '--firewall-backend') {
      i++;
      continue;
    }
    if (o.startsWith('--firewall-backend=') || /^--ip6?tables(=|$)/.test(o)) continue;
    kept.push(o);
  }
  return [...kept, '--iptables=false', '--ip6tables=false'];
}

/** What goes into the kernel: iptables-save text for iptables-restore, and an nft script. */
export interface PredictedFirewallTexts {
  iptables: string;
  /** Replaces Docker's nft tables atomically (declare, delete, add); undefined: none predicted. */
  nft: string | undefined;
}

/**
 * The ruleset with only the built-in chains iptables-nft would have made in the kernel: a
 * built-in chain exists once it held a rule or a non-ACCEPT policy, and stays while its
 * table does (`made`, "table/chain", remembers them across loads and grows). A dump that
 * names an empty built-in makes it, and then it counts: Docker never names filter INPUT,
 * so on a host of Docker's own it counts nothing (published-ports.feature, ground truth e3).
 */
export function existingBuiltinsOnly(rs: Ruleset, made: Set<string>): Ruleset {
  return {
    tables: rs.tables.map((t) => ({
      ...t,
      chains: t.chains.filter((c) => {
        const key = `${t.name}/${c.name}`;
        if (c.builtin && (c.rules.length > 0 || (c.policy ?? 'ACCEPT') !== 'ACCEPT')) made.add(key);
        return !c.builtin || made.has(key);
      }),
    })),
  };
}

/**
 * The model's firewall as loadable texts. Only Docker's own nft tables are loaded: native
 * tables a scenario adds with a host command are already on the real host. `made`: see
 * existingBuiltinsOnly.
 */
export function predictedFirewallTexts(
  state: HostFirewallState,
  made: Set<string> = new Set(),
): PredictedFirewallTexts {
  const iptables = serializeRuleset(existingBuiltinsOnly(iptablesOf(state), made));
  const tables = (nftablesOf(state)?.tables ?? []).filter((t) => t.name === DOCKER_NFT_TABLE);
  if (tables.length === 0) return { iptables, nft: undefined };
  const nft = tables
    .map(
      (t) =>
        `table ${t.family} ${t.name} {}\ndelete table ${t.family} ${t.name}\n${serializeNftTable(t, { stateless: true })}`,
    )
    .join('');
  return { iptables, nft };
}
