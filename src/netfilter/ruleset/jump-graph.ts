/**
 * The kernel's check of a table's jumps, as measured on kernel 6.18 with iptables 1.8.9
 * (2026-12): both nf_tables (nft_table_validate) and x_tables (mark_source_chains) walk
 * from the built-in chains, so a loop is refused once a built-in chain reaches it —
 * `iptables -N L; iptables -A L -j L` alone is accepted, `iptables -A INPUT -j L` then
 * fails. nf_tables also refuses a chain reached at jump level 16 (NFT_JUMP_STACK_SIZE;
 * a goto counts as a level there too): a loop is just the endless case of that. Loops
 * in chains no built-in chain reaches are kept by both, and so are they here.
 *
 * Iterative depth-first walk (a dump may nest thousands of chains), each chain once.
 */
import type { Chain, Rule, Table } from '../types.ts';

/** nf_tables' jump stack: a chain entered at this level is refused (EMLINK). */
export const NFT_JUMP_STACK_SIZE = 16;

export interface JumpProblem {
  kind: 'loop' | 'depth';
  /** Chain names from a built-in chain to the chain met again (loop) or the one too deep. */
  path: string[];
  /** The rule whose jump closes the loop or goes one level too deep, and its chain. */
  chain: string;
  rule: Rule;
}

interface Edge {
  target: Chain;
  rule: Rule;
}

interface Frame {
  chain: Chain;
  edges: Edge[];
  next: number;
  height: number;
}

const GRAY = 1;
const BLACK = 2;

/**
 * The first loop a built-in chain reaches, or (with `maxLevel`) the first chain reached
 * at that jump level or deeper; undefined when the table is fine.
 */
export function checkJumpGraph(table: Table, options: { maxLevel?: number } = {}): JumpProblem | undefined {
  const userChains = new Map<string, Chain>();
  for (const c of table.chains) if (!c.builtin) userChains.set(c.name, c);
  if (userChains.size === 0) return undefined;
  const edgesOf = (chain: Chain): Edge[] => {
    const edges: Edge[] = [];
    for (const rule of chain.rules) {
      const name = rule.spec.target?.name;
      const target = name === undefined ? undefined : userChains.get(name);
      if (target) edges.push({ target, rule });
    }
    return edges;
  };
  const max = options.maxLevel ?? Number.POSITIVE_INFINITY;
  const state = new Map<Chain, number>();
  const height = new Map<Chain, number>();
  for (const root of table.chains) {
    if (!root.builtin) continue;
    const stack: Frame[] = [{ chain: root, edges: edgesOf(root), next: 0, height: 0 }];
    state.set(root, GRAY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      const edge = top.edges[top.next];
      if (!edge) {
        stack.pop();
        state.set(top.chain, BLACK);
        height.set(top.chain, top.height);
        const parent = stack[stack.length - 1];
        if (parent) parent.height = Math.max(parent.height, top.height + 1);
        continue;
      }
      top.next += 1;
      const names = () => stack.map((f) => f.chain.name);
      const seen = state.get(edge.target);
      if (seen === GRAY) {
        return { kind: 'loop', path: [...names(), edge.target.name], chain: top.chain.name, rule: edge.rule };
      }
      // The target sits one level below the top of the stack (the root is level 0).
      const level = stack.length;
      if (seen === BLACK) {
        const below = height.get(edge.target) ?? 0;
        top.height = Math.max(top.height, below + 1);
        if (level + below >= max) {
          return {
            kind: 'depth',
            path: [...names(), ...deepestFrom(edge.target, level, max, edgesOf, height)],
            chain: top.chain.name,
            rule: edge.rule,
          };
        }
        continue;
      }
      if (level >= max) {
        return {
          kind: 'depth',
          path: [...names(), edge.target.name],
          chain: top.chain.name,
          rule: edge.rule,
        };
      }
      state.set(edge.target, GRAY);
      stack.push({ chain: edge.target, edges: edgesOf(edge.target), next: 0, height: 0 });
    }
  }
  return undefined;
}

/** The chains from `start` (at `level`) down its deepest path, until `max` is reached. */
function deepestFrom(
  start: Chain,
  level: number,
  max: number,
  edgesOf: (c: Chain) => Edge[],
  height: ReadonlyMap<Chain, number>,
): string[] {
  const path = [start.name];
  let chain = start;
  for (let l = level; l < max; l++) {
    const want = (height.get(chain) ?? 0) - 1;
    const next = edgesOf(chain).find((e) => (height.get(e.target) ?? 0) === want)?.target;
    if (!next) break;
    path.push(next.name);
    chain = next;
  }
  return path;
}

/** "INPUT -> L -> M -> L", shortened in the middle for a path hundreds of chains long. */
export function describeJumpPath(path: readonly string[]): string {
  const shown =
    path.length > 12 ? [...path.slice(0, 5), `… ${path.length - 10} more …`, ...path.slice(-5)] : path;
  return shown.join(' -> ');
}
