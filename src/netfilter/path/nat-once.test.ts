/**
 * NAT once per flow (nf_nat_initialized): the nat chains see only the first packet of a
 * connection; every later packet, in either direction, is rewritten from the conntrack
 * entry's tuples without traversing nat again. The exception the ground truth shows
 * (e2): a first packet dropped before confirmation leaves no entry, so its successor is
 * the first packet again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowResult, PathStep } from '../host-types.ts';
import { runFlow } from './index.ts';
import { NEIGHBOURS, testHost } from './test-support.ts';

// Docker 20.10's nat table for docker0 and a network "web" (br-web) publishing 8080:80.
const NAT = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i br-web -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.30.0.2:80
COMMIT
`;

function host(forward = 'ACCEPT') {
  return testHost(
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ${forward} [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n${NAT}`,
    NEIGHBOURS,
  );
}

/** Counter deltas of the nat table as `CHAIN#rule packets:bytes` (#0 is the policy). */
function natCounts(r: FlowResult): string[] {
  return r.counters
    .filter((c) => c.table === 'nat')
    .map((c) => `${c.chain}#${c.rule} ${c.packets}:${c.bytes}`)
    .sort();
}

/** The packets (by number) that met a nat rule or policy on their way. */
function packetsInNat(path: PathStep[]): number[] {
  const seen = path.filter((s) => s.table === 'nat' && (s.kind === 'rule' || s.kind === 'policy'));
  return [...new Set(seen.map((s) => s.packet))];
}

describe('NAT once per flow (conntrack)', () => {
  it('ping ×3 through MASQUERADE: one packet in nat, every reply un-masqueraded back to the container', () => {
    const r = runFlow(host(), { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 3 });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.delivered, 3);
    assert.equal(r.seenSource, '192.168.70.6');
    // The first request alone: PREROUTING's policy and the MASQUERADE rule, 84 bytes each.
    assert.deepEqual(natCounts(r), ['POSTROUTING#1 1:84', 'PREROUTING#0 1:84']);
    assert.deepEqual(packetsInNat(r.path), [1]);
    // Every request leaves masqueraded; every reply is rewritten back to the container.
    const rewrites = r.path.filter((s) => s.kind === 'nat');
    assert.deepEqual(
      rewrites.map((s) => `${s.direction} ${s.src} > ${s.dst}`),
      [
        'request 192.168.70.6 > 192.168.70.10',
        'reply 192.168.70.10 > 172.17.0.2',
        'request 192.168.70.6 > 192.168.70.10',
        'reply 192.168.70.10 > 172.17.0.2',
        'request 192.168.70.6 > 192.168.70.10',
        'reply 192.168.70.10 > 172.17.0.2',
      ],
    );
  });

  it('a second ping run is a new flow (a new echo id): it meets nat again, once', () => {
    const h = host();
    runFlow(h, { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 2 });
    const again = runFlow(h, { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 2 });
    assert.deepEqual(natCounts(again), ['POSTROUTING#1 1:84', 'PREROUTING#0 1:84']);
  });

  it('UDP ×3 never answered: later datagrams are still NEW, but the entry is set up, so no nat', () => {
    const r = runFlow(host(), {
      protocol: 'udp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      port: 53,
      requestBytes: 10,
      count: 3,
    });
    assert.equal(r.sent, 3);
    assert.equal(r.seenSource, '172.30.0.1');
    assert.deepEqual(natCounts(r), ['POSTROUTING#1 1:38', 'PREROUTING#0 1:38']);
    assert.deepEqual(packetsInNat(r.path), [1]);
    // All three arrive (masqueraded from the entry), not just the first.
    assert.equal(r.delivered, 3);
    assert.equal(r.path.filter((s) => s.kind === 'nat' && s.direction === 'request').length, 3);
  });

  it('a published port: only the SYN meets DNAT; the rest of the connection is rewritten both ways', () => {
    const r = runFlow(host(), {
      protocol: 'tcp',
      from: '192.168.70.10',
      to: '192.168.70.6',
      port: 8080,
      requestBytes: 10,
    });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.receiver, 'web');
    assert.equal(r.seenSource, '192.168.70.10');
    assert.deepEqual(natCounts(r), ['DOCKER#2 1:60', 'POSTROUTING#0 1:60', 'PREROUTING#1 1:60']);
    assert.deepEqual(packetsInNat(r.path), [1]);
    const rewrites = r.path.filter((s) => s.kind === 'nat');
    const requests = rewrites.filter((s) => s.direction === 'request');
    const replies = rewrites.filter((s) => s.direction === 'reply');
    assert.ok(requests.length >= 4, `client segments DNATed: ${requests.length}`);
    assert.ok(replies.length >= 2, `server segments un-DNATed: ${replies.length}`);
    for (const s of requests) assert.match(s.text, /-> tcp 192\.168\.70\.10:\d+ > 172\.30\.0\.2:80 /);
    // The client only ever talks to 192.168.70.6:8080.
    for (const s of replies) assert.match(s.text, /-> tcp 192\.168\.70\.6:8080 > 192\.168\.70\.10:\d+ /);
  });

  it('unconfirmed entries: pings dropped in FORWARD each meet nat PREROUTING again (ground truth e2)', () => {
    const r = runFlow(host('DROP'), { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(natCounts(r), ['PREROUTING#0 3:252']);
    assert.deepEqual(packetsInNat(r.path), [1, 2, 3]);
  });
});
