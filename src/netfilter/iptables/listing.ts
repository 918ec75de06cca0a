/**
 * `iptables -L` output as data: chains with their policy or reference count, and one
 * row per rule split into the listing's columns. Articles quote `-L` listings far more
 * often than `iptables-save` dumps (seeds 001 and 003), and usually with the column
 * alignment lost, so rows are read by token, not by column position, and written back
 * with single spaces: `formatListing(parseListing(t))` is `t` with its whitespace
 * collapsed. A listing cannot become a ruleset: without `-v` it has no interfaces.
 */
import { echo } from '../echo.ts';

export class ListingParseError extends Error {
  override name = 'ListingParseError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${echo(message, 400)}`);
  }
}

export interface ListedChain {
  name: string;
  /** Built-in chains: "ACCEPT" / "DROP"; user chains have references instead. */
  policy?: string;
  /** `-v`: "(policy ACCEPT 12 packets, 1008 bytes)". */
  policyCounters?: { packets: string; bytes: string };
  references?: number;
  /** Column names of the header line: target, prot, opt, source, destination … */
  columns: string[];
  rows: ListedRule[];
}

export interface ListedRule {
  /** The named columns (num, pkts, bytes, target, prot, opt, in, out, source, destination). */
  cells: Record<string, string>;
  /** Everything after the destination: matches and target options ("tcp dpt:http to:…"). */
  extra: string;
}

const CHAIN_LINE = /^Chain (\S+) \((?:policy (\S+)(?: (\S+) packets, (\S+) bytes)?|(\d+) references?)\)$/;
const KNOWN_COLUMNS = new Set([
  'num',
  'pkts',
  'bytes',
  'target',
  'prot',
  'opt',
  'in',
  'out',
  'source',
  'destination',
]);
/** What the opt column can hold: `--`, or a fragment flag. */
const OPT = /^(--|-f|!f)$/;

/** A line as the articles print it: alignment gone, one space between tokens. */
const collapse = (line: string) => line.trim().replace(/\s+/g, ' ');

export function parseListing(text: string): ListedChain[] {
  const chains: ListedChain[] = [];
  let chain: ListedChain | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = collapse(raw);
    const at = i + 1;
    if (line === '') return;
    const head = CHAIN_LINE.exec(line);
    if (head) {
      chain = { name: head[1] as string, columns: [], rows: [] };
      if (head[2]) chain.policy = head[2];
      if (head[3] && head[4]) chain.policyCounters = { packets: head[3], bytes: head[4] };
      if (head[5]) chain.references = Number(head[5]);
      chains.push(chain);
      return;
    }
    if (!chain) throw new ListingParseError(`expected "Chain NAME (…)" before "${line}"`, at);
    if (chain.columns.length === 0) {
      const columns = line.split(' ');
      const unknown = columns.find((c) => !KNOWN_COLUMNS.has(c));
      if (unknown || !columns.includes('destination')) {
        throw new ListingParseError(
          `expected the column header of chain ${chain.name} (target prot opt … destination), got "${line}"`,
          at,
        );
      }
      chain.columns = columns;
      return;
    }
    chain.rows.push(parseRow(line, chain.columns, at));
  });
  return chains;
}

function parseRow(line: string, columns: readonly string[], at: number): ListedRule {
  const tokens = line.split(' ');
  const cells: Record<string, string> = {};
  let t = 0;
  for (const column of columns) {
    // A rule without a target leaves its cell blank: the protocol comes first, then opt.
    if (column === 'target' && OPT.test(tokens[t + 1] ?? '')) {
      cells.target = '';
      continue;
    }
    const token = tokens[t++];
    if (token === undefined) {
      throw new ListingParseError(`row "${line}" ends before its ${column} column`, at);
    }
    if (column === 'opt' && !OPT.test(token)) {
      throw new ListingParseError(`row "${line}": "${token}" is not an opt value (--, -f or !f)`, at);
    }
    cells[column] = token;
  }
  return { cells, extra: tokens.slice(t).join(' ') };
}

/** The listing with single spaces, one line per chain head, header and row. */
export function formatListing(chains: readonly ListedChain[]): string {
  const lines: string[] = [];
  for (const c of chains) {
    let head = `Chain ${c.name} (`;
    if (c.policy !== undefined) {
      head += `policy ${c.policy}`;
      if (c.policyCounters) head += ` ${c.policyCounters.packets} packets, ${c.policyCounters.bytes} bytes`;
    } else {
      head += `${c.references ?? 0} references`;
    }
    lines.push(`${head})`, c.columns.join(' '));
    for (const r of c.rows) {
      const cells = c.columns.map((col) => r.cells[col] ?? '').filter((cell) => cell !== '');
      lines.push([...cells, ...(r.extra ? [r.extra] : [])].join(' '));
    }
  }
  return lines.join('\n');
}

/** A listing's text as formatListing writes it: whitespace collapsed, blank lines dropped. */
export function normalizeListingText(text: string): string {
  return text
    .split('\n')
    .map(collapse)
    .filter((l) => l !== '')
    .join('\n');
}
