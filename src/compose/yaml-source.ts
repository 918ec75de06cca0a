/**
 * The YAML of a compose file as plain values, with a way back from a key path to the
 * line it sits on (the `yaml` package keeps node positions). Anchors, aliases and
 * merge keys (`<<: *base`) are resolved as compose resolves them.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ComposeError, formatKeyPath, type KeyPath } from './errors.ts';

/** Alias expansion limit: a "billion laughs" document is refused, not expanded. */
const MAX_ALIAS_COUNT = 100;

export class ComposeSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly root: Node | null,
    private readonly lines: LineCounter,
    private readonly resolveAlias: (node: Node) => Node | undefined,
  ) {}

  static parse(text: string, file: string): ComposeSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      merge: true,
      uniqueKeys: true,
      prettyErrors: false,
    });
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
      throw new ComposeError(file, at, '', `not valid YAML: ${firstLine(first.message)} (${first.code})`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new ComposeError(file, 1, '', `cannot read the YAML: ${firstLine((error as Error).message)}`);
    }
    const resolve = (node: Node): Node | undefined => {
      if (!isAlias(node)) return node;
      const target = node.resolve(doc);
      return target && isNode(target) ? target : undefined;
    };
    return new ComposeSource(file, value, isNode(doc.contents) ? doc.contents : null, lines, resolve);
  }

  /** The line of the key at `path` (of its nearest ancestor nettwin can place); 1 at worst. */
  lineOf(path: KeyPath): number {
    let node: Node | undefined = this.root ?? undefined;
    let line = node?.range ? this.lines.linePos(node.range[0]).line : 1;
    for (const part of path) {
      const current = node ? this.resolveAlias(node) : undefined;
      if (!current) break;
      const found = this.child(current, part);
      if (!found) break;
      line = found.line;
      node = found.node;
    }
    return line;
  }

  private child(node: Node, part: string | number): { node?: Node; line: number } | undefined {
    if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (!isNode(item) || !item.range) return undefined;
      return { node: item, line: this.lines.linePos(item.range[0]).line };
    }
    if (!isMap(node)) return undefined;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      // A merge key (`<<`, a symbol once parsed) brings the keys of the mapping it names.
      if ((key === '<<' || (typeof key === 'symbol' && key.description === '<<')) && isNode(pair.value)) {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const merged = isNode(source) ? this.resolveAlias(source) : undefined;
          const found = merged ? this.child(merged, part) : undefined;
          if (found) return found;
        }
        continue;
      }
      if (String(key) !== String(part)) continue;
      const keyNode = isNode(pair.key) ? pair.key : undefined;
      const start = keyNode?.range?.[0];
      const value = isNode(pair.value) ? pair.value : undefined;
      return {
        ...(value ? { node: value } : {}),
        line: start === undefined ? 1 : this.lines.linePos(start).line,
      };
    }
    return undefined;
  }

  /** A ComposeError at `path`. */
  error(path: KeyPath, detail: string): ComposeError {
    return new ComposeError(this.file, this.lineOf(path), formatKeyPath(path), detail);
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
