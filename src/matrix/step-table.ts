/**
 * The table of `Then the reachability is:` read into what the step probes: the header
 * row names the destinations (its first cell is a caption and is not read), the first
 * column the sources, and every other cell what is expected (header.ts's words), or `-`
 * for a pair the step does not probe (a container and itself). Pure.
 */
import { echo } from '../netfilter/echo.ts';
import { type Expected, parseDestination, parseExpected, parseSource, pastTheHost } from './header.ts';
import { type Destination, MatrixSyntaxError, type Source } from './types.ts';

/** A cell left out of the probes. */
export const NOT_PROBED = '-';

export interface StepCell {
  row: number;
  column: number;
  source: Source;
  destination: Destination;
  expected: Expected;
}

export interface StepTable {
  /** The first column's words, as written (quotes removed): the report's row labels. */
  sources: string[];
  /** The header's words, as written: the report's column labels. */
  destinations: string[];
  /** The probed cells in reading order (row by row). */
  cells: StepCell[];
  /** Cells written `-`, as [row, column]. */
  skipped: [number, number][];
}

/** `"web"` and `web` name the same container: the quotes of other steps are allowed. */
function unquote(text: string): string {
  const t = text.trim();
  return /^"[^"]*"$/.test(t) ? t.slice(1, -1) : t;
}

function where(row: number, column: number): string {
  return `row ${row + 1}, column ${column + 1}`;
}

/**
 * `raw` as DataTable.raw() gives it. `expandHeader` rewrites a header word before it is
 * parsed (the step turns `<host ip>` into the host's address).
 */
export function parseStepTable(
  raw: readonly (readonly string[])[],
  expandHeader = (w: string) => w,
): StepTable {
  const [header, ...rows] = raw;
  if (!header || header.length < 2 || rows.length === 0)
    throw new MatrixSyntaxError(
      'the reachability table needs a header row of destinations after a caption cell, and one row per source ' +
        '(e.g. | from \\ to | web:80 | the external client |)',
    );
  const destinations = header.slice(1).map((w) => w.trim());
  const parsedDestinations = destinations.map((w, i) => {
    if (w === '') throw new MatrixSyntaxError(`the header's ${where(0, i + 1)} is empty: name a destination`);
    try {
      return parseDestination(unquote(expandHeader(w)));
    } catch (error) {
      if (error instanceof MatrixSyntaxError)
        throw new MatrixSyntaxError(`header, ${where(0, i + 1)}: ${error.message}`);
      throw error;
    }
  });
  const seenDestinations = new Set<string>();
  destinations.forEach((w, i) => {
    if (seenDestinations.has(w))
      throw new MatrixSyntaxError(`header, ${where(0, i + 1)}: "${echo(w)}" is there twice`);
    seenDestinations.add(w);
  });
  const sources: string[] = [];
  const cells: StepCell[] = [];
  const skipped: [number, number][] = [];
  rows.forEach((row, r) => {
    if (row.length !== header.length)
      throw new MatrixSyntaxError(`${where(r + 1, 0)}: ${row.length} cells, the header has ${header.length}`);
    const label = unquote(row[0] ?? '');
    if (sources.includes(label))
      throw new MatrixSyntaxError(`${where(r + 1, 0)}: the source "${echo(label)}" is there twice`);
    sources.push(label);
    let source: Source;
    try {
      source = parseSource(label);
    } catch (error) {
      if (error instanceof MatrixSyntaxError)
        throw new MatrixSyntaxError(`${where(r + 1, 0)}: ${error.message}`);
      throw error;
    }
    row.slice(1).forEach((text, c) => {
      if (text.trim() === NOT_PROBED) {
        skipped.push([r, c]);
        return;
      }
      let expected: Expected;
      try {
        expected = parseExpected(text);
      } catch (error) {
        if (error instanceof MatrixSyntaxError)
          throw new MatrixSyntaxError(
            `${where(r + 1, c + 1)} ("${echo(label)}" → ${destinations[c]}): ${error.message} (or ${NOT_PROBED}: not probed)`,
          );
        throw error;
      }
      const destination = parsedDestinations[c] as Destination;
      const past = pastTheHost(source, destination);
      if (past !== undefined)
        throw new MatrixSyntaxError(
          `${where(r + 1, c + 1)} ("${echo(label)}" → ${destinations[c]}): ${past}; write ${NOT_PROBED} there`,
        );
      cells.push({ row: r, column: c, source, destination, expected });
    });
  });
  return { sources, destinations, cells, skipped };
}
