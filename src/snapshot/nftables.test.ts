/**
 * Native nft tables in a snapshot: kept (without iptables-nft's own tables, which are in
 * iptables.save already), checked when read, and walked by the twin beside iptables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nftablesOf } from '../netfilter/firewall-state.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { assembleSnapshot, type RawHostOutputs } from './assemble.ts';
import { SnapshotError } from './errors.ts';
import { snapshotToHost } from './to-host.ts';
import { snapshotReplay } from './to-standalone.ts';

const DIR = join(import.meta.dirname, '../../fixtures/snapshots');
const raw = JSON.parse(readFileSync(join(DIR, 'two-networks-20.10.raw.json'), 'utf8')) as RawHostOutputs;

/** A distribution's own table that drops api → web, beside iptables-nft's filter table. */
const NATIVE = `table inet filter {
\tchain forward {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tip saddr 172.19.0.2 ip daddr 172.18.0.2 counter packets 7 bytes 588 drop
\t}
}
`;
const IPTABLES_NFT = `table ip filter {
\tchain FORWARD {
\t\ttype filter hook forward priority filter; policy drop;
\t\tcounter packets 0 bytes 0 jump DOCKER-USER
\t}

\tchain DOCKER-USER {
\t\tcounter packets 0 bytes 0 return
\t}
}
`;
const WARNING = '# Warning: table ip filter is managed by iptables-nft, do not touch!\n';

describe('native nft tables in a snapshot', () => {
  for (const [how, list] of [
    ['marked on stderr (nft 1.0)', `${IPTABLES_NFT}${NATIVE}${WARNING}`],
    ['marked above the table (nft 1.1)', `${WARNING}${IPTABLES_NFT}${NATIVE}`],
    ['not marked, but named like a table of iptables-save', `${IPTABLES_NFT}${NATIVE}`],
  ] as const) {
    it(`keeps only the native tables when iptables-nft's are ${how}`, () => {
      const s = assembleSnapshot({
        ...raw,
        nftVersion: 'nftables v1.0.6 (Lester Gooch #5)\n',
        nftList: list,
      });
      assert.equal(s.nftables?.ruleset, NATIVE);
      assert.equal(s.nftables?.version, 'nftables v1.0.6 (Lester Gooch #5)');
    });
  }

  it('has no nftables field where nft is missing or holds only iptables-nft tables', () => {
    assert.equal(assembleSnapshot(raw).nftables, undefined);
    assert.equal(
      assembleSnapshot({ ...raw, nftVersion: 'v', nftList: IPTABLES_NFT + WARNING }).nftables,
      undefined,
    );
  });

  it('the twin walks them: the native drop ends api → web before iptables sees it', () => {
    const s = assembleSnapshot({ ...raw, nftVersion: 'v', nftList: `${IPTABLES_NFT}${NATIVE}${WARNING}` });
    const { host } = snapshotToHost(s, 'snap.json');
    const r = runFlow(host, { protocol: 'icmp', from: '172.19.0.2', to: '172.18.0.2', count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(
      r.nftCounters?.map((c) => `${c.table} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`),
      ['filter forward#1 3:252'],
    );
    // iptables' FORWARD never saw the packets: only nat PREROUTING (before forward) counted.
    assert.ok(
      r.counters.every((c) => c.table !== 'filter'),
      JSON.stringify(r.counters),
    );
    // Counters add to what the host had recorded.
    const rule = nftablesOf(host.firewall)?.tables[0]?.chains[0]?.rules[0]?.statements.find(
      (x) => x.kind === 'counter',
    );
    assert.deepEqual(rule?.kind === 'counter' && rule.counter, { packets: 10n, bytes: 840n });
  });

  it('a replay carries them to the real host', () => {
    const s = assembleSnapshot({ ...raw, nftVersion: 'v', nftList: NATIVE });
    const replay = snapshotReplay(JSON.stringify(s), 'snap.json');
    assert.equal(replay.spec.nftRulesetText, NATIVE);
  });

  it('a corrupt nftables.ruleset is refused naming the field and line', () => {
    const s = assembleSnapshot({ ...raw, nftVersion: 'v', nftList: NATIVE });
    const bad = {
      ...s,
      nftables: {
        version: 'v',
        ruleset: 'table inet filter {\n\tchain forward {\n\t\tcounter packets x bytes 1\n',
      },
    };
    assert.throws(
      () => snapshotToHost(bad, 'snap.json'),
      (e: unknown) => {
        assert.ok(e instanceof SnapshotError);
        assert.match(e.message, /nftables\.ruleset/);
        assert.match(e.message, /line 3/);
        return true;
      },
    );
  });
});
