/**
 * A line diff by longest common subsequence: enough for iptables chains (tens of
 * rules), and it shows a moved rule as one removal plus one addition, as `diff -u` does.
 */

export type DiffOp<T> =
  | { op: 'same'; a: T; b: T; aIndex: number; bIndex: number }
  | { op: 'del'; a: T; aIndex: number }
  | { op: 'add'; b: T; bIndex: number };

export function diffSequences<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): DiffOp<T>[] {
  const ka = a.map(key);
  const kb = b.map(key);
  const n = ka.length;
  const m = kb.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] = ka[i] === kb[j] ? at(lcs, i + 1, j + 1) + 1 : Math.max(at(lcs, i + 1, j), at(lcs, i, j + 1));
    }
  }
  const ops: DiffOp<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) {
      ops.push({ op: 'same', a: a[i] as T, b: b[j] as T, aIndex: i, bIndex: j });
      i++;
      j++;
    } else if (i < n && (j === m || at(lcs, i + 1, j) >= at(lcs, i, j + 1))) {
      ops.push({ op: 'del', a: a[i] as T, aIndex: i });
      i++;
    } else {
      ops.push({ op: 'add', b: b[j] as T, bIndex: j });
      j++;
    }
  }
  return ops;
}

function at(table: number[][], i: number, j: number): number {
  return (table[i] as number[])[j] as number;
}

/**
 * The ops as `diff -u` prints a hunk: `-` real, `+` model, ` ` both, with up to `context`
 * lines around each change and ` …` where unchanged lines were left out.
 */
export function renderUnified<T>(ops: readonly DiffOp<T>[], text: (x: T) => string, context = 2): string[] {
  const near = ops.map(() => false);
  ops.forEach((o, i) => {
    if (o.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(ops.length - 1, i + context); k++) near[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, i) => {
    if (!near[i]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push(' …');
    skipped = false;
    if (o.op === 'same') out.push(` ${text(o.b)}`);
    else if (o.op === 'del') out.push(`-${text(o.a)}`);
    else out.push(`+${text(o.b)}`);
  });
  return out;
}
