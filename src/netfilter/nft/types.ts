/**
 * nftables' own vocabulary, as `nft list ruleset` and libnftables' JSON name it: a
 * `Table` has a family; a `Chain` is a base chain (type, hook, priority, policy) or a
 * regular one; a `Rule` is a list of statements, usually ending in a verdict; `Set`s and
 * `Map`s (verdict maps among them) are objects of their own with typed keys.
 *
 * Pure data. Counters are bigint: the kernel's are u64, and a dump of a long-lived host
 * carries values above 2^53.
 */

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

export const NFT_FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

/** Hooks in nft's lower-case spelling; ingress/egress exist only for netdev (and inet ingress). */
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

export const NFT_HOOKS: readonly NftHook[] = [
  'prerouting',
  'input',
  'forward',
  'output',
  'postrouting',
  'ingress',
  'egress',
];

export type NftChainType = 'filter' | 'nat' | 'route';

export type NftPolicy = 'accept' | 'drop';

export interface NftCounter {
  packets: bigint;
  bytes: bigint;
}

/** What makes a chain a base chain: the kernel calls it at `hook`, ordered by `priority`. */
export interface NftBaseChain {
  type: NftChainType;
  hook: NftHook;
  /** The numeric priority; lower runs first. */
  priority: number;
  /** As written (`filter`, `dstnat`, `-100`, `filter - 10`): printed back unchanged. */
  priorityText: string;
  policy: NftPolicy;
  /** netdev ingress/egress: the device(s), as written (`device "eth0"` or `devices = { … }`). */
  devicesText?: string;
}

/** A value a match compares with. */
export type NftValue =
  | { kind: 'literal'; text: string }
  /** An anonymous set `{ a, b }`: its elements as written. */
  | { kind: 'set'; elements: string[] }
  /** A named set or map, `@name`. */
  | { kind: 'ref'; name: string };

export type NftMatchOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'implicit';

/** One statement of a rule, without its place in the text. */
export type NftStatementBody =
  | {
      kind: 'match';
      /** The selector as written, normalised to single spaces: `ip daddr`, `meta l4proto`, `ct state`. */
      selector: string;
      op: NftMatchOperator;
      value: NftValue;
    }
  /** `fib daddr type local`, `fib saddr . iif oif missing`: kept as words, read by the evaluator. */
  | { kind: 'fib'; words: string[]; op: NftMatchOperator; value: NftValue }
  | { kind: 'vmap'; selector: string; map: NftValue | { kind: 'inline'; entries: NftMapEntry[] } }
  /** `counter` alone (stateless listing) has no values. */
  | { kind: 'counter'; counter?: NftCounter }
  | { kind: 'comment'; text: string }
  | { kind: 'log'; words: string[] }
  | { kind: 'verdict'; verdict: NftVerdict }
  | { kind: 'nat'; type: 'masquerade' | 'snat' | 'dnat' | 'redirect'; to?: string; flags: string[] }
  /** Anything the model does not understand, kept as text so it prints back. */
  | { kind: 'unsupported'; text: string };

/** One statement of a rule. `span` is its [start, end) in the rule text. */
export type NftStatement = NftStatementBody & { span: [number, number] };

export type NftVerdict =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'continue' }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'reject'; with?: string };

export interface NftMapEntry {
  key: string;
  /** A verdict for a vmap (`jump filter-forward-in__docker0`), else the value as written. */
  value: string;
}

export interface NftRule {
  /** The rule as written, one line, without indentation. Counters are rewritten on print. */
  text: string;
  statements: NftStatement[];
  /** 1-based line in the source listing, when parsed from one. */
  line?: number;
}

export interface NftChain {
  name: string;
  base?: NftBaseChain;
  comment?: string;
  rules: NftRule[];
}

export interface NftSet {
  /** `map` when the set has a value type (verdict maps are maps of type `verdict`). */
  kind: 'set' | 'map';
  name: string;
  /** Lines of the set's body other than `elements = …`, as written (`type ifname : verdict`). */
  declaration: string[];
  /** `type` key of the declaration (`ifname`, `ipv4_addr`, `ipv4_addr . inet_service`). */
  keyType: string;
  /** For maps: the value type (`verdict`, `ipv4_addr`). */
  valueType?: string;
  elements: NftMapEntry[];
  /**
   * The `elements = { … }` lines exactly as a listing printed them, kept while the
   * elements are unchanged so a parsed listing prints back byte for byte.
   */
  elementsLayout?: string[];
}

export interface NftTable {
  family: NftFamily;
  name: string;
  /**
   * Set when `nft list ruleset` marks the table as iptables-nft's ("managed by
   * iptables-nft, do not touch"): read those through iptables-save, not natively.
   */
  managedBy?: 'iptables-nft';
  /** What nft prints after the opening brace (`# progname firewalld` for a table with an owner). */
  headerComment?: string;
  /** Table-level lines other than chains and sets (`flags dormant`, `comment "…"`), as written. */
  attributes: string[];
  /** A blank line between the attributes and the first set or chain, as nft 1.1 prints it. */
  blankAfterAttributes?: boolean;
  sets: NftSet[];
  chains: NftChain[];
}

export interface NftRuleset {
  tables: NftTable[];
}
