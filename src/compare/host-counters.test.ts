import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostCounters } from '../netfilter/firewall-state.ts';
import { compareHostCounters, counterRows } from './host-counters.ts';

const forward = { table: 'filter' as const, chain: 'FORWARD', rule: 1, text: '-A FORWARD -j DOCKER-USER' };
const guard = { family: 'inet' as const, table: 'guard', chain: 'forward', rule: 1, text: 'accept' };

const side = (nftPackets: number, legacy = 0): HostCounters => [
  { framework: 'iptables-nft', family: 'ipv4', rows: [{ ...forward, packets: 6, bytes: 504 }] },
  {
    framework: 'iptables-legacy',
    family: 'ipv4',
    rows: legacy ? [{ ...forward, packets: legacy, bytes: legacy * 84 }] : [],
  },
  {
    framework: 'nftables',
    rows: nftPackets ? [{ ...guard, packets: nftPackets, bytes: nftPackets * 84 }] : [],
  },
];

test('every framework in one list: iptables-nft as iptables-save names it, legacy and nft tagged', () => {
  const rows = counterRows(side(6, 3));
  assert.deepEqual(
    rows.map((r) => [r.table, r.chain, r.text, r.packets]),
    [
      ['filter', 'FORWARD', '-A FORWARD -j DOCKER-USER', 6],
      ['legacy filter', 'FORWARD', '-A FORWARD -j DOCKER-USER', 3],
      ['inet guard', 'forward', 'accept', 6],
    ],
  );
});

test('one comparison judges every framework: a native rule the model missed is a failing row', () => {
  assert.equal(compareHostCounters(side(6), side(6), { protocol: 'icmp' }).equal, true);
  const missed = compareHostCounters(side(6), side(0), { protocol: 'icmp' });
  assert.equal(missed.equal, false);
  assert.deepEqual(
    missed.mismatches.map((r) => [r.table, r.text, r.status]),
    [['inet guard', 'accept', 'missing-hit']],
  );
  // The same rule text in iptables-nft and legacy tables are different rows.
  const legacy = compareHostCounters(side(6, 3), side(6), { protocol: 'icmp' });
  assert.deepEqual(
    legacy.mismatches.map((r) => r.table),
    ['legacy filter'],
  );
});
