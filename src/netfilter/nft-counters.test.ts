import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNftRuleset } from './nft/parse.ts';
import { nftCounterRows, zeroNftCounters } from './nft-counters.ts';

const LISTING = `table inet guard {
\tchain forward {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tip saddr 172.17.0.2 counter packets 3 bytes 252 drop
\t\tct state new counter packets 0 bytes 0 accept
\t\tmeta l4proto tcp accept
\t}
}
`;

test('rows for the rules that counted, named without their counters; zeroing keeps the rules', () => {
  const ruleset = parseNftRuleset(LISTING);
  assert.deepEqual(nftCounterRows(ruleset), [
    {
      family: 'inet',
      table: 'guard',
      chain: 'forward',
      rule: 1,
      text: 'ip saddr 172.17.0.2 drop',
      packets: 3,
      bytes: 252,
    },
  ]);
  assert.equal(nftCounterRows(ruleset, { includeZero: true }).length, 2, 'a rule without counter has no row');
  zeroNftCounters(ruleset);
  assert.deepEqual(nftCounterRows(ruleset), []);
  assert.equal(ruleset.tables[0]?.chains[0]?.rules.length, 3);
});
