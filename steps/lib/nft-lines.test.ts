import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNftRuleset } from '../../src/netfilter/nft/parse.ts';
import { missingFromNftListing, nftCounterFor } from './nft-lines.ts';

// As `nft list table inet guard` printed it on a 28.5 DinD host (priority -10 comes back as "filter - 10").
const REAL = parseNftRuleset(`table inet guard {
\tchain forward {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tip saddr 172.17.0.2 ip daddr 172.17.0.3 counter packets 3 bytes 252 drop
\t\tct state new counter packets 0 bytes 0 accept
\t}
}
`);

test('listed rules are found in order under their table and chain; counters and priority spelling aside', () => {
  const listing = `
    table inet guard {
      chain forward {
        type filter hook forward priority -10; policy accept;
        ip saddr 172.17.0.2 ip daddr 172.17.0.3 counter drop
        ct state new accept
      }
    }`;
  assert.equal(missingFromNftListing(REAL, listing), undefined);
  assert.equal(missingFromNftListing(REAL, 'inet guard forward: ct state new counter accept'), undefined);
});

test('what is missing, out of order, or of another kind is named', () => {
  assert.match(
    missingFromNftListing(
      REAL,
      'table inet guard\nchain forward\nct state new accept\nip saddr 172.17.0.2 ip daddr 172.17.0.3 drop',
    ) ?? '',
    /inet guard forward lacks "ip saddr 172\.17\.0\.2 ip daddr 172\.17\.0\.3 drop" after "ct state new accept"/,
  );
  assert.match(
    missingFromNftListing(
      REAL,
      'table inet guard\nchain forward\ntype filter hook forward priority 10; policy accept;',
    ) ?? '',
    /is "type filter hook forward priority filter - 10; policy accept;"/,
  );
  assert.match(missingFromNftListing(REAL, 'ip filter forward: accept') ?? '', /no chain ip filter forward/);
  assert.match(missingFromNftListing(undefined, 'inet guard forward: accept') ?? '', /no chain/);
  assert.match(missingFromNftListing(REAL, 'accept') ?? '', /names no chain/);
  assert.match(missingFromNftListing(REAL, 'chain forward') ?? '', /before any "table FAMILY NAME"/);
});

test('a rule counts by its name in native rows and in comparison rows alike', () => {
  const name = { family: 'inet', table: 'guard', chain: 'forward', text: 'accept' };
  const native = [
    {
      family: 'inet' as const,
      table: 'guard',
      chain: 'forward',
      rule: 2,
      text: 'accept',
      packets: 6,
      bytes: 504,
    },
  ];
  assert.deepEqual(nftCounterFor(native, name), { packets: 6, bytes: 504 });
  const flat = [{ table: 'inet guard', chain: 'forward', rule: 2, text: 'accept', packets: 1, bytes: 52 }];
  assert.deepEqual(nftCounterFor(flat, name), { packets: 1, bytes: 52 });
  assert.deepEqual(nftCounterFor(flat, { ...name, chain: 'input' }), { packets: 0, bytes: 0 });
});
