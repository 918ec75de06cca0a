/**
 * Docker 29's `table ip docker-bridges` as its daemon keeps it (moby
 * daemon/libnetwork/internal/nftables): a batch of changes (a "modifier") is applied at
 * once, rules sit in numbered groups inside a chain (groups in ascending order, rules of
 * a group in the order they were added), and each batch reaches the kernel as one nft
 * script that declares its new maps and chains in name order. The kernel lists objects
 * in the order they were created, so within a batch new maps and chains come out sorted
 * by name, after those of earlier batches: that is the order `nft list ruleset` prints.
 *
 * The table is a live NftTable of src/netfilter/nft/types.ts: the packet path walks it,
 * and each rule object stays the same while it exists, so its counters survive changes
 * elsewhere in the table.
 */
import { parseBaseChainText } from '../../netfilter/nft/parse.ts';
import { parseNftRuleText } from '../../netfilter/nft/statements.ts';
import type { NftChain, NftFamily, NftRule, NftSet, NftTable } from '../../netfilter/nft/types.ts';

/** One object a batch creates or deletes (moby nftables.Obj). */
export type NftObject =
  | { kind: 'chain'; name: string; base?: string }
  /** A verdict map keyed by interface name. */
  | { kind: 'vmap'; name: string }
  | { kind: 'rule'; chain: string; group: number; text: string; ignoreExist?: boolean }
  /** `key` as nft prints it (`"docker0"`), `value` a verdict (`jump filter-forward-in__docker0`). */
  | { kind: 'element'; map: string; key: string; value: string };

export interface NftChange {
  op: 'create' | 'delete';
  obj: NftObject;
}

/** A batch of changes, applied in order (moby nftables.Modifier). */
export class NftModifier {
  readonly changes: NftChange[] = [];

  create(obj: NftObject): void {
    this.changes.push({ op: 'create', obj });
  }

  delete(obj: NftObject): void {
    this.changes.push({ op: 'delete', obj });
  }

  /** The batch that undoes this one: the opposite operations in reverse order. */
  reverse(): NftModifier {
    const out = new NftModifier();
    for (const c of [...this.changes].reverse())
      out.changes.push({ op: c.op === 'create' ? 'delete' : 'create', obj: c.obj });
    return out;
  }
}

export class NftTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NftTableError';
  }
}

interface ChainState {
  readonly chain: NftChain;
  groups: Map<number, NftRule[]>;
}

/** A rule object with its statements parsed, and counters at zero as the kernel starts them. */
function newRule(text: string): NftRule {
  const statements = parseNftRuleText(text);
  for (const s of statements) if (s.kind === 'counter') s.counter = { packets: 0n, bytes: 0n };
  return { text, statements };
}

export class DockerBridgesTable {
  readonly table: NftTable;
  private readonly chains = new Map<string, ChainState>();
  /** Maps this daemon created (or took over from an earlier one). */
  private readonly maps = new Set<string>();

  constructor(family: NftFamily, name: string) {
    this.table = { family, name, attributes: [], sets: [], chains: [] };
  }

  chainRules(chain: string): readonly NftRule[] {
    return this.chains.get(chain)?.chain.rules ?? [];
  }

  hasChain(chain: string): boolean {
    return this.chains.has(chain);
  }

  /**
   * Applies a batch, all or nothing: a rule or element that is not where the batch expects
   * it is an error, and what the batch had done so far is undone (as moby's Table.Apply
   * rolls back before nft ever sees the batch).
   */
  apply(m: NftModifier): void {
    const restore = this.snapshot();
    try {
      this.applyAll(m.changes);
    } catch (e) {
      restore();
      throw e;
    }
  }

  /** What apply may change, and how to put it back. */
  private snapshot(): () => void {
    const chains = [...this.table.chains];
    const sets = this.table.sets.map((x) => ({ set: x, elements: x.elements }));
    const states = [...this.chains.values()].map((st) => ({
      st,
      base: st.chain.base,
      rules: st.chain.rules,
      // Group arrays are replaced, never edited in place: a shallow copy keeps them.
      groups: new Map(st.groups),
    }));
    const maps = [...this.maps];
    return () => {
      this.table.chains = chains;
      this.table.sets = sets.map((x) => x.set);
      for (const x of sets) x.set.elements = x.elements;
      this.chains.clear();
      for (const { st, base, rules, groups } of states) {
        if (base) st.chain.base = base;
        else delete st.chain.base;
        st.chain.rules = rules;
        st.groups = groups;
        this.chains.set(st.chain.name, st);
      }
      this.maps.clear();
      for (const name of maps) this.maps.add(name);
    };
  }

  private applyAll(changes: readonly NftChange[]): void {
    const newChains: NftChain[] = [];
    const newMaps: NftSet[] = [];
    const touched = new Set<ChainState>();
    for (const { op, obj } of changes) {
      if (obj.kind === 'chain') {
        if (op === 'create') newChains.push(this.createChain(obj.name, obj.base));
        else this.deleteChain(obj.name);
      } else if (obj.kind === 'vmap') {
        if (op === 'create') newMaps.push(this.createMap(obj.name));
        else {
          this.maps.delete(obj.name);
          this.table.sets = this.table.sets.filter((s) => s.name !== obj.name);
        }
      } else if (obj.kind === 'rule') {
        const state = this.chainState(obj.chain);
        if (op === 'create' ? this.addRule(state, obj) : this.removeRule(state, obj)) touched.add(state);
      } else {
        const map = this.map(obj.map);
        if (op === 'create') this.addElement(map, obj.key, obj.value);
        else this.removeElement(map, obj.key);
      }
    }
    const byName = (a: { name: string }, b: { name: string }) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    // Objects an earlier daemon left in the kernel keep their place.
    this.table.sets.push(...newMaps.filter((x) => !this.table.sets.includes(x)).sort(byName));
    this.table.chains.push(
      ...newChains
        .filter((c) => this.chains.get(c.name)?.chain === c && !this.table.chains.includes(c))
        .sort(byName),
    );
    for (const state of touched) {
      state.chain.rules = [...state.groups.keys()]
        .sort((a, b) => a - b)
        .flatMap((g) => state.groups.get(g) as NftRule[]);
    }
  }

  /**
   * A new daemon takes over the table an earlier one left in the kernel: its first batch
   * declares the table, so nft flushes every chain and map; chains and maps it declares
   * again keep their place in the listing (and the empty chains of networks it does not
   * restore stay, as they do in the kernel).
   */
  takeOver(): void {
    for (const state of this.chains.values()) state.chain.rules = [];
    for (const set of this.table.sets) set.elements = [];
    this.chains.clear();
    this.maps.clear();
  }

  /** The kernel lost the table (a reboot): nothing is left. */
  clear(): void {
    this.chains.clear();
    this.maps.clear();
    this.table.chains = [];
    this.table.sets = [];
  }

  /**
   * A bridge has another name (the twin learnt the real one): chain names ending in
   * `__<from>`, map keys and quoted names in rule texts follow. Rules are made anew, with
   * their counters.
   */
  rename(from: string, to: string): void {
    const name = (n: string) => (n.endsWith(`__${from}`) ? `${n.slice(0, -from.length)}${to}` : n);
    const text = (t: string) => t.replaceAll(`"${from}"`, `"${to}"`).replace(/__\S+/g, (w) => name(w));
    const states = [...this.chains.values()];
    this.chains.clear();
    for (const state of states) {
      state.chain.name = name(state.chain.name);
      for (const [group, rules] of state.groups) {
        state.groups.set(
          group,
          rules.map((r) => {
            const renamed = newRule(text(r.text));
            const counters = r.statements.filter((x) => x.kind === 'counter');
            renamed.statements
              .filter((x) => x.kind === 'counter')
              .forEach((x, i) => {
                const old = counters[i];
                if (old?.kind === 'counter' && old.counter && x.kind === 'counter')
                  x.counter = { ...old.counter };
              });
            return renamed;
          }),
        );
      }
      state.chain.rules = [...state.groups.keys()]
        .sort((a, b) => a - b)
        .flatMap((g) => state.groups.get(g) as NftRule[]);
      this.chains.set(state.chain.name, state);
    }
    for (const set of this.table.sets) {
      set.elements = set.elements.map((e) => ({ key: text(e.key), value: text(e.value) }));
    }
  }

  /** The filter-FORWARD … base chains' policy (moby Table.SetBaseChainPolicy). */
  setPolicy(chain: string, policy: 'accept' | 'drop'): void {
    const base = this.chainState(chain).chain.base;
    if (!base) throw new NftTableError(`chain ${chain} is not a base chain`);
    base.policy = policy;
  }

  private chainState(name: string): ChainState {
    const state = this.chains.get(name);
    if (!state) throw new NftTableError(`chain '${name}' does not exist in table ${this.table.name}`);
    return state;
  }

  private map(name: string): NftSet {
    const map = this.table.sets.find((s) => s.name === name);
    if (!map) throw new NftTableError(`map '${name}' does not exist in table ${this.table.name}`);
    return map;
  }

  private createChain(name: string, base: string | undefined): NftChain {
    if (this.chains.has(name)) throw new NftTableError(`chain '${name}' already exists`);
    const left = this.table.chains.find((c) => c.name === name);
    const chain: NftChain = left ?? { name, rules: [] };
    if (base) chain.base = parseBaseChainText(base, this.table.family);
    this.chains.set(name, { chain, groups: new Map() });
    return chain;
  }

  private deleteChain(name: string): void {
    const state = this.chainState(name);
    // The batch's rule changes reach chain.rules at its end: ask the groups.
    if (state.groups.size > 0) throw new NftTableError(`cannot delete chain '${name}': it has rules`);
    this.chains.delete(name);
    this.table.chains = this.table.chains.filter((c) => c !== state.chain);
  }

  private createMap(name: string): NftSet {
    if (this.maps.has(name)) throw new NftTableError(`map '${name}' already exists`);
    this.maps.add(name);
    const left = this.table.sets.find((s) => s.name === name);
    if (left) return left;
    return {
      kind: 'map',
      name,
      declaration: ['type ifname : verdict'],
      keyType: 'ifname',
      valueType: 'verdict',
      elements: [],
    };
  }

  private addRule(state: ChainState, r: { group: number; text: string; ignoreExist?: boolean }): boolean {
    const group = state.groups.get(r.group) ?? [];
    if (group.some((x) => x.text === r.text)) {
      if (r.ignoreExist) return false;
      throw new NftTableError(
        `adding rule:'${r.text}' chain:'${state.chain.name}' group:${r.group}: rule exists`,
      );
    }
    state.groups.set(r.group, [...group, newRule(r.text)]);
    return true;
  }

  private removeRule(state: ChainState, r: { group: number; text: string; ignoreExist?: boolean }): boolean {
    const group = state.groups.get(r.group) ?? [];
    const kept = group.filter((x) => x.text !== r.text);
    if (kept.length === group.length) {
      if (r.ignoreExist) return false;
      throw new NftTableError(
        `deleting rule:'${r.text}' chain:'${state.chain.name}' group:${r.group}: rule does not exist`,
      );
    }
    if (kept.length === 0) state.groups.delete(r.group);
    else state.groups.set(r.group, kept);
    return true;
  }

  // Elements are replaced, never edited in place: set lookups are cached by array identity.
  private addElement(map: NftSet, key: string, value: string): void {
    if (map.elements.some((e) => e.key === key))
      throw new NftTableError(`element ${key} exists in ${map.name}`);
    map.elements = [...map.elements, { key, value }];
    delete map.elementsLayout;
  }

  private removeElement(map: NftSet, key: string): void {
    if (!map.elements.some((e) => e.key === key)) throw new NftTableError(`no element ${key} in ${map.name}`);
    map.elements = map.elements.filter((e) => e.key !== key);
    delete map.elementsLayout;
  }
}
