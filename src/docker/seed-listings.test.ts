/**
 * The seeds' `iptables -L` listings against the model: the model's rules for the same
 * commands, printed by our `iptables -L` (names, not numbers, as the articles show),
 * must give the rows the articles print. Seed 001 (17.06, `-L -v` with the counter
 * columns cut) is complete; seed 003's daemon-start filter listing leaves out the
 * docker0 ACCEPT rules, so there the article's rows must appear in order among ours.
 * Seed 003's swarm listings: the same daemon in a one-node swarm (src/docker/swarm.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runIptables } from '../netfilter/iptables/index.ts';
import { type ListedChain, type ListedRule, parseListing } from '../netfilter/iptables/listing.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { runDockerScript } from './script.ts';

const fixtures = new URL('../../fixtures/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, fixtures), 'utf8');

function modelListing(ruleset: Ruleset, table: string, verbose: boolean): Map<string, ListedChain> {
  const r = runIptables(ruleset, ['-t', table, '-L', ...(verbose ? ['-v'] : [])]);
  assert.equal(r.exitCode, 0, r.stderr);
  return new Map(parseListing(r.stdout).map((c) => [c.name, c]));
}

/** A row as the article's columns show it. */
const rowText = (r: ListedRule, columns: readonly string[]) =>
  [...columns.map((c) => r.cells[c] ?? ''), r.extra].filter((x) => x !== '').join(' ');

const head = (c: ListedChain) => `${c.name} ${c.policy ?? `${c.references} references`}`;

function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let i = 0;
  for (const w of whole) if (w === part[i]) i++;
  return i === part.length;
}

function compare(fixture: string, ruleset: Ruleset, table: string, mode: 'exact' | 'subsequence'): void {
  const article = parseListing(read(`seeds/${fixture}`));
  const model = modelListing(
    ruleset,
    table,
    article.some((c) => c.columns.includes('in')),
  );
  for (const chain of article) {
    const ours = model.get(chain.name);
    assert.ok(ours, `${fixture}: the model has no ${table} chain ${chain.name}`);
    assert.equal(head(ours), head(chain), `${fixture}: chain ${chain.name} head`);
    const want = chain.rows.map((r) => rowText(r, chain.columns));
    const got = ours.rows.map((r) => rowText(r, chain.columns));
    if (mode === 'exact') assert.deepEqual(got, want, `${fixture}: rows of ${chain.name}`);
    else
      assert.ok(
        isSubsequence(want, got),
        `${fixture}: ${chain.name}\narticle:\n${want.join('\n')}\nmodel:\n${got.join('\n')}`,
      );
  }
}

test('seed 001 (17.06): the -L -v listings of nat and filter, row for row', () => {
  const rs = runDockerScript(read('scripts/seed-001-hehe.docker'), { version: '17.06' }).ruleset();
  compare('001-hehe-nat.iptables-L', rs, 'nat', 'exact');
  compare('001-hehe-filter.iptables-L', rs, 'filter', 'exact');
});

test('seed 003 (17.03): the listings of a freshly started daemon', () => {
  const rs = runDockerScript(read('scripts/seed-003-daemon-start.docker'), { version: '17.03' }).ruleset();
  compare('003-daemon-start-nat.iptables-L', rs, 'nat', 'exact');
  compare('003-daemon-start-filter.iptables-L', rs, 'filter', 'subsequence');
});

test('seed 003 (17.03): a one-node swarm publishing 8088, DOCKER-INGRESS in filter and nat', () => {
  const rs = runDockerScript(read('scripts/seed-003-swarm.docker'), { version: '17.03' }).ruleset();
  // The article cut FORWARD after its first two rows ("其他省略").
  compare('003-swarm-forward.iptables-L', rs, 'filter', 'subsequence');
  compare('003-swarm-nat-output.iptables-L', rs, 'nat', 'subsequence');
});

test('a listing the model does not produce is reported with both sides', () => {
  const rs = runDockerScript(read('scripts/seed-003-daemon-start.docker'), { version: '17.03' }).ruleset();
  // 17.03 has no DOCKER-USER; seed 001's 17.06 listing does.
  assert.throws(() => compare('001-hehe-filter.iptables-L', rs, 'filter', 'exact'), /FORWARD/);
});
