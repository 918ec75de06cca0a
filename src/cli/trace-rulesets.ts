/**
 * `trace --ruleset FILE …`: each file an iptables-save dump, an ip6tables-save dump or an
 * `nft list ruleset` listing. One host can have all of them (Docker's iptables-nft rules
 * of both families beside firewalld's or a distribution's native tables), so several are
 * taken and walked together: iptables' (or, for an IPv6 flow, ip6tables') tables at their
 * priorities, the native base chains at theirs. `--save` prints each file again in its
 * own format, in the order given, with the counters after the flow.
 */
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import { nativeTables } from '../netfilter/nft/native-tables.ts';
import { NftParseError, parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { dumpFamily, parseRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { detectDumpFormat, wrongDumpFormat } from './dump-format.ts';

export class TraceRulesetError extends Error {}

type Loaded =
  | { kind: 'iptables-save'; file: string; ruleset: Ruleset }
  | { kind: 'ip6tables-save'; file: string; ruleset: Ruleset }
  | { kind: 'nft list ruleset'; file: string; ruleset: NftRuleset };

export interface TraceRulesets {
  /**
   * The host's firewall: the iptables-save dump as iptables-nft IPv4 (an empty ruleset
   * when only nft listings were given), the ip6tables-save dump as IPv6 when one was
   * given, and the native tables of every nft listing, in the order given, when any was.
   */
  firewall: HostFirewallState;
  files: Loaded[];
}

function read(file: string, readFile: (path: string) => string): string {
  try {
    return readFile(file);
  } catch (error) {
    throw new TraceRulesetError(
      `--ruleset ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

export function loadTraceRulesets(
  files: readonly string[],
  readFile: (path: string) => string,
): TraceRulesets {
  const loaded: Loaded[] = [];
  for (const file of files) {
    const text = read(file, readFile);
    const wrong = wrongDumpFormat(file, text);
    if (wrong) throw new TraceRulesetError(`--ruleset ${wrong}`);
    if (detectDumpFormat(text) === 'nft list ruleset') {
      try {
        loaded.push({ kind: 'nft list ruleset', file, ruleset: parseNftRuleset(text, { file }) });
      } catch (error) {
        if (error instanceof NftParseError) throw new TraceRulesetError(`--ruleset ${error.message}`);
        throw error;
      }
      continue;
    }
    // The header says which tool wrote it; without one, IPv6 addresses or ICMPv6 do.
    const kind = dumpFamily(text) === 'ipv6' ? 'ip6tables-save' : 'iptables-save';
    if (loaded.some((l) => l.kind === kind)) {
      throw new TraceRulesetError(
        `--ruleset ${file}: a second ${kind} dump; give one iptables-save and one ip6tables-save dump per host (and any nft listings beside them)`,
      );
    }
    const family = kind === 'ip6tables-save' ? 'ipv6' : 'ipv4';
    loaded.push({ kind, file, ruleset: parseRuleset(text, { file, family }) });
  }
  const dump = loaded.find((l) => l.kind === 'iptables-save');
  const ruleset: Ruleset = dump?.kind === 'iptables-save' ? dump.ruleset : { tables: [] };
  const firewall: HostFirewallState = [{ framework: 'iptables-nft', family: 'ipv4', ruleset }];
  const dump6 = loaded.find((l) => l.kind === 'ip6tables-save');
  if (dump6) firewall.push({ framework: 'iptables-nft', family: 'ipv6', ruleset: dump6.ruleset as Ruleset });
  const listings = loaded.filter((l) => l.kind === 'nft list ruleset');
  if (listings.length === 0) return { firewall, files: loaded };
  // iptables-nft's tables print in the nft listing too: walked once, as iptables tables.
  const iptablesNftTables = ruleset.tables.map((t) => t.name);
  const ip6tablesNftTables = (dump6?.ruleset as Ruleset | undefined)?.tables.map((t) => t.name) ?? [];
  const tables = listings.flatMap(
    (l) => nativeTables(l.ruleset as NftRuleset, { iptablesNftTables, ip6tablesNftTables }).tables,
  );
  firewall.push({ framework: 'nftables', ruleset: { tables } });
  return { firewall, files: loaded };
}

/** Every file again, in its own format, counters after the flow. */
export function saveTraceRulesets(loaded: TraceRulesets): string {
  return loaded.files
    .map((l) =>
      l.kind !== 'nft list ruleset'
        ? serializeRuleset(l.ruleset, { counters: true })
        : serializeNftRuleset(l.ruleset),
    )
    .join('');
}
