/**
 * The ids of a Gherkin document's nodes (feature children, steps, tags, examples, table
 * rows), listed in one fixed order so that two parses of the same text can be paired node
 * by node: shards parse every feature with random ids of their own, and a merged report
 * must give each node one id. Only `id` fields are ids in a GherkinDocument; nothing in
 * it refers to another node.
 */
import type { GherkinDocument } from '@cucumber/messages';

/** A node id and where the node is (`line:column`), in walking order. */
export interface AstNode {
  id: string;
  at: string;
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function where(node: Record<string, Json>): string {
  const location = node.location;
  if (!isRecord(location)) return '?';
  return `${String(location.line)}:${String(location.column ?? '')}`;
}

/**
 * Every node id of the document, depth first, an object's own id before its fields and
 * fields in name order (so the writer's key order does not matter).
 */
export function astNodes(document: GherkinDocument): AstNode[] {
  const nodes: AstNode[] = [];
  const visit = (value: Json): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!isRecord(value)) return;
    if (typeof value.id === 'string') nodes.push({ id: value.id, at: where(value) });
    for (const key of Object.keys(value).sort()) if (key !== 'id') visit(value[key]);
  };
  visit(document.feature);
  return nodes;
}

/** A copy of the document with every node id replaced by `rename(id)`. */
export function renameAstNodes(document: GherkinDocument, rename: (id: string) => string): GherkinDocument {
  const copy = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(copy);
    if (!isRecord(value)) return value;
    const out: Record<string, Json> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = key === 'id' && typeof field === 'string' ? rename(field) : copy(field);
    }
    return out;
  };
  return copy(document) as GherkinDocument;
}

/**
 * Pairs the nodes of `other` with those of `kept`, two parses of the same text: the n-th
 * node of one is the n-th of the other. Returns other's id → kept's id, or a reason why
 * the two trees differ (then they are not parses of the same text by the same parser).
 */
export function pairAstNodes(
  kept: GherkinDocument,
  other: GherkinDocument,
): { pairs: Map<string, string> } | { mismatch: string } {
  const a = astNodes(kept);
  const b = astNodes(other);
  const pairs = new Map<string, string>();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return { mismatch: `one has ${a.length} nodes, the other ${b.length}` };
    if (x.at !== y.at) return { mismatch: `node ${i + 1} is at ${x.at} in one and at ${y.at} in the other` };
    pairs.set(y.id, x.id);
  }
  return { pairs };
}
