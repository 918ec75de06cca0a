/**
 * Expectations that differ between Docker versions (a production bug fixed in one
 * release): a table with a `docker` column, of which the row for the started host's
 * version applies (`28` matches 28.5, `28.5` only 28.5).
 */
import { type DataTable, Then } from '@cucumber/cucumber';
import type { NettwinWorld } from './world.ts';

const OUTCOMES: Record<string, string> = {
  succeeds: 'ok',
  'is refused': 'refused',
  'times out': 'timeout',
  'is unreachable': 'unreachable',
};
const PING_OUTCOMES = ['succeeds', 'fails', 'is unreachable'];

/** The rows of `table` for the host's Docker version (a `docker` cell may list several: `20.10, 26.1`). */
function rowsFor(world: NettwinWorld, table: DataTable): Record<string, string>[] {
  const version = world.dockerVersion ?? world.fail('no Docker host started yet');
  const rows = table.hashes() as Record<string, string>[];
  if (!rows.every((r) => r.docker !== undefined)) world.fail('the table needs a "docker" column');
  const matches = (cell: string) =>
    cell
      .split(',')
      .map((v) => v.trim())
      .some((v) => v !== '' && (version === v || version.startsWith(`${v}.`)));
  const mine = rows.filter((r) => matches(r.docker ?? ''));
  if (mine.length === 0)
    world.fail(`no row for Docker ${version} (rows: ${[...new Set(rows.map((r) => r.docker))].join(' | ')})`);
  return mine;
}

// | docker | outcome | (succeeds, is refused, times out, is unreachable; for a ping: succeeds, fails, is unreachable)
Then('by Docker version, the last request or ping:', function (this: NettwinWorld, table: DataTable) {
  const [row] = rowsFor(this, table);
  const want = row?.outcome?.trim() ?? this.fail('the table needs an "outcome" column');
  const o = this.lastObservation();
  if (o.kind === 'ping') {
    if (!PING_OUTCOMES.includes(want)) this.fail(`a ping succeeds, fails or is unreachable, not "${want}"`);
    const p = o.ping;
    const ok = !o.error && p !== undefined && p.sent > 0 && p.received === p.sent;
    const none = o.error !== undefined || p?.received === 0;
    if (want === 'is unreachable') {
      if (!none || !p?.unreachable)
        this.fail(
          `${o.description} on Docker ${this.dockerVersion}: ${p?.received ?? 0} of ${p?.sent ?? 0} answered, ${p?.unreachable ? '' : 'no '}"unreachable" error; expected it to be unreachable`,
        );
      return;
    }
    if (want === 'succeeds' ? !ok : !none)
      this.fail(
        `${o.description} on Docker ${this.dockerVersion}: ${p?.received ?? 0} of ${p?.sent ?? 0} answered; expected it to ${want === 'succeeds' ? 'succeed' : 'fail'}`,
      );
    return;
  }
  const expected = OUTCOMES[want] ?? this.fail(`outcome "${want}": say ${Object.keys(OUTCOMES).join(', ')}`);
  if (o.error) this.fail(`${o.description} failed: ${o.error.message}`);
  const r = o.request ?? this.fail(`${o.description} was not a request`);
  if (r.outcome !== expected)
    this.fail(
      `${o.description} on Docker ${this.dockerVersion} ended "${r.outcome}"; expected "${expected}"`,
    );
  const body = row?.body?.trim();
  if (body && (r.body ?? '').trim() !== body)
    this.fail(`${o.description} returned body "${r.body ?? ''}"; expected "${body}"`);
});

// | docker | table | rule | packets | bytes |  — the rows of the host's version; bytes optional
Then(
  'by Docker version, these rules counted packets:',
  async function (this: NettwinWorld, table: DataTable) {
    for (const row of rowsFor(this, table)) {
      const rule = row.rule?.trim() || this.fail('every row needs a "rule" column');
      const packetsText = row.packets?.trim() ?? '';
      if (!/^\d+$/.test(packetsText)) this.fail(`row "${rule}": packets "${packetsText}" is not a number`);
      const bytesText = row.bytes?.trim() ?? '';
      if (bytesText !== '' && !/^\d+$/.test(bytesText))
        this.fail(`row "${rule}": bytes "${bytesText}" is not a number`);
      const t = rule.startsWith(':')
        ? await this.tableOf(rule, row.table?.trim() || 'filter')
        : await this.tableOf(rule, row.table?.trim() || undefined);
      this.expectCounted(t, rule, Number(packetsText), bytesText === '' ? undefined : Number(bytesText));
    }
  },
);
