import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iptablesOf } from '../firewall-state.ts';
import type { FlowResult } from '../host-types.ts';
import { serializeRuleset } from '../ruleset/index.ts';
import { ConntrackTable, formatPath, runFlow } from './index.ts';
import { NEIGHBOURS, testHost } from './test-support.ts';

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

function filter(forward: string[], extra = ''): string {
  return `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
${extra}${forward.map((r) => `-A FORWARD ${r}\n`).join('')}COMMIT
${NAT}`;
}

function moved(result: FlowResult): string[] {
  return result.counters.map((c) => `${c.table} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`);
}

describe('runFlow', () => {
  it('ip_forward=0: routed packets die after nat PREROUTING, same-bridge traffic still flows', () => {
    const host = testHost(filter(['-j ACCEPT']), NEIGHBOURS, { sysctls: { 'net.ipv4.ip_forward': '0' } });
    const routed = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2', count: 2 });
    assert.equal(routed.verdict, 'timeout');
    // Unconfirmed entries: each request is NEW again in nat PREROUTING; FORWARD sees nothing.
    assert.deepEqual(moved(routed), ['nat PREROUTING#0 2:168']);
    const bridged = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.17.0.3', count: 2 });
    assert.equal(bridged.verdict, 'delivered');
    assert.ok(moved(bridged).includes('filter FORWARD#1 4:336'));
  });

  it('a dropped SYN is retransmitted count times, each one NEW in nat PREROUTING', () => {
    const host = testHost(filter(['-p tcp -m tcp --dport 80 -j DROP']), NEIGHBOURS);
    const r = runFlow(host, { protocol: 'tcp', from: '172.17.0.2', to: '172.30.0.2', port: 80, count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.equal(r.sent, 3);
    assert.deepEqual(moved(r), ['filter FORWARD#1 3:180', 'nat PREROUTING#0 3:180']);
  });

  it('a published port: DNAT on the way in, the reply un-DNATed, the server sees the client', () => {
    const host = testHost(
      filter(['-o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-o br-web -j ACCEPT']),
      NEIGHBOURS,
    );
    const r = runFlow(host, {
      protocol: 'tcp',
      from: '192.168.70.10',
      to: '192.168.70.6',
      port: 8080,
      requestBytes: 10,
    });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.receiver, 'web');
    assert.equal(r.seenSource, '192.168.70.10');
    // Client → server: SYN (NEW) then ACK, request, FIN, last ACK (ESTABLISHED).
    assert.ok(moved(r).includes('filter FORWARD#2 1:60'));
    assert.ok(moved(r).includes('filter FORWARD#1 4:218'));
    assert.ok(moved(r).includes('nat DOCKER#2 1:60'));
    const synAck = r.path.find((s) => s.kind === 'nat' && s.text.startsWith('SNAT POSTROUTING'));
    assert.match(
      synAck?.text ?? '',
      /172\.30\.0\.2:80 > 192\.168\.70\.10:\d+.*-> tcp 192\.168\.70\.6:8080 > 192\.168\.70\.10/,
    );
  });

  it('a response in n segments may be ACKed up to n times: the extra ACKs are a variation', () => {
    const host = testHost(
      filter(['-o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-o br-web -j ACCEPT']),
      NEIGHBOURS,
    );
    const flow = { protocol: 'tcp' as const, from: '192.168.70.10', to: '192.168.70.6', port: 8080 };
    const two = runFlow(host, {
      ...flow,
      requestBytes: 10,
      responseBytes: 100,
      responseSegments: 2,
      closer: 'server',
    });
    assert.equal(two.variations?.length, 1);
    const [v] = two.variations ?? [];
    assert.equal(v?.upTo, 1);
    assert.match(v?.reason ?? '', /ACK of response/);
    // The extra ACK is an established client → server segment: FORWARD rule 1, 52 bytes, and no nat.
    assert.deepEqual(
      v?.counters.map((d) => `${d.table} ${d.chain}#${d.rule} ${d.packets}:${d.bytes}`),
      ['filter FORWARD#1 1:52'],
    );
    const one = runFlow(host, { ...flow, requestBytes: 10, responseBytes: 100, responseSegments: 1 });
    assert.equal(one.variations, undefined);
  });

  it('a neighbour without a default route cannot send off its subnets: nothing reaches the host', () => {
    const isolated = NEIGHBOURS.map((n) =>
      n.address === '172.17.0.2' ? { ...n, reaches: ['172.17.0.0/16'] } : n,
    );
    const host = testHost(filter(['-j ACCEPT']), isolated);
    const r = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2', count: 2 });
    assert.equal(r.verdict, 'unreachable');
    assert.deepEqual(r.counters, []);
    assert.match(r.path.find((s) => s.kind === 'drop')?.text ?? '', /no route to 172\.30\.0\.2/);
  });

  it('REJECT answers the client: tcp-reset is refused, icmp-host-prohibited is unreachable', () => {
    const reset = testHost(filter(['-p tcp -j REJECT --reject-with tcp-reset']), NEIGHBOURS);
    const r1 = runFlow(reset, { protocol: 'tcp', from: '172.17.0.2', to: '172.30.0.2', port: 80, count: 3 });
    assert.equal(r1.verdict, 'refused');
    assert.equal(r1.sent, 1);
    const prohibited = testHost(filter(['-j REJECT --reject-with icmp-host-prohibited']), NEIGHBOURS);
    const r2 = runFlow(prohibited, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2', count: 2 });
    assert.equal(r2.verdict, 'unreachable');
    assert.equal(r2.delivered, 0);
  });

  it('the host-generated error crosses filter OUTPUT as RELATED', () => {
    const host = testHost(
      filter(['-j REJECT'], '-A OUTPUT -m conntrack --ctstate RELATED -j ACCEPT\n'),
      NEIGHBOURS,
    );
    const r = runFlow(host, {
      protocol: 'udp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      port: 53,
      requestBytes: 30,
    });
    assert.equal(r.verdict, 'refused');
    // ICMP error = 28 bytes + the 58-byte datagram.
    assert.ok(moved(r).includes('filter OUTPUT#1 1:86'), moved(r).join('\n'));
  });

  it('UDP: a listener receives (and answers), no listener means port-unreachable', () => {
    const host = testHost(filter([]), NEIGHBOURS);
    const ok = runFlow(host, {
      protocol: 'udp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      port: 53,
      requestBytes: 30,
      responseBytes: 50,
    });
    assert.equal(ok.verdict, 'delivered');
    assert.equal(ok.seenSource, '172.30.0.1');
    assert.ok(moved(ok).includes('nat POSTROUTING#1 1:58'));
    const closed = runFlow(host, {
      protocol: 'udp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      port: 54,
      count: 2,
    });
    assert.equal(closed.verdict, 'refused');
  });

  it('local sockets: a listener accepts, none means RST (connection refused)', () => {
    const host = testHost(filter([]), NEIGHBOURS, {
      listeners: [{ protocol: 'tcp', address: '0.0.0.0', port: 22, owner: 'sshd' }],
    });
    const ssh = runFlow(host, {
      protocol: 'tcp',
      from: '192.168.70.10',
      to: '192.168.70.6',
      port: 22,
      requestBytes: 20,
    });
    assert.equal(ssh.verdict, 'delivered');
    assert.equal(ssh.receiver, 'host');
    const closed = runFlow(host, { protocol: 'tcp', from: '192.168.70.10', to: '192.168.70.6', port: 23 });
    assert.equal(closed.verdict, 'refused');
    const ping = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.17.0.1', count: 1 });
    assert.equal(ping.verdict, 'delivered');
  });

  it('NOTRACK skips conntrack and therefore the nat table', () => {
    const dump = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p icmp -j CT --notrack
COMMIT
${filter(['-m conntrack --ctstate UNTRACKED -j ACCEPT'])}`;
    const r = runFlow(testHost(dump, NEIGHBOURS), {
      protocol: 'icmp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      count: 1,
    });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.seenSource, '172.17.0.2', 'no MASQUERADE for untracked packets');
    assert.ok(!moved(r).some((m) => m.startsWith('nat ')), moved(r).join('\n'));
    assert.ok(moved(r).includes('filter FORWARD#1 2:168'));
  });

  it('REDIRECT sends a flow to a local port; MARK is seen by a later mark match', () => {
    const dump = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i docker0 -j MARK --set-xmark 0x2/0xffffffff
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m mark --mark 0x2 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i docker0 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128
COMMIT
`;
    const host = testHost(dump, NEIGHBOURS, {
      listeners: [{ protocol: 'tcp', address: '0.0.0.0', port: 3128, owner: 'squid' }],
    });
    const r = runFlow(host, {
      protocol: 'tcp',
      from: '172.17.0.2',
      to: '172.30.0.2',
      port: 80,
      requestBytes: 5,
    });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.receiver, 'host');
    assert.ok(moved(r).includes('filter INPUT#1 5:273'), moved(r).join('\n'));
  });

  it('physdev-is-bridged tells same-bridge traffic from routed traffic', () => {
    const host = testHost(filter(['-m physdev --physdev-is-bridged -j DROP']), NEIGHBOURS);
    assert.equal(
      runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.17.0.3' }).verdict,
      'timeout',
    );
    assert.equal(
      runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2' }).verdict,
      'delivered',
    );
  });

  it('no route: a host-originated flow is unreachable at once', () => {
    const host = testHost(filter([]), NEIGHBOURS, { routes: [] });
    const r = runFlow(host, { protocol: 'icmp', from: '192.168.70.6', to: '10.9.9.9', count: 2 });
    assert.equal(r.verdict, 'unreachable');
    assert.deepEqual(r.counters, []);
  });

  it('a shared conntrack table keeps flows apart and remembers confirmed entries', () => {
    const host = testHost(filter([]), NEIGHBOURS);
    const conntrack = new ConntrackTable();
    runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.17.0.3', count: 3 }, { conntrack });
    runFlow(host, { protocol: 'tcp', from: '172.17.0.3', to: '172.17.0.2', port: 80 }, { conntrack });
    assert.equal(conntrack.entries().length, 2);
    // The ruleset counters accumulate across flows: 2 nat PREROUTING NEW packets in all.
    assert.match(
      serializeRuleset(iptablesOf(host.firewall), { counters: true }),
      /:PREROUTING ACCEPT \[2:144\]/,
    );
  });

  it('refuses flows it cannot place, and formats a readable path', () => {
    const host = testHost(filter([]), NEIGHBOURS);
    assert.throws(
      () => runFlow(host, { protocol: 'icmp', from: '10.1.1.1', to: '172.17.0.2' }),
      /neither a local address nor a known neighbour/,
    );
    assert.throws(
      () => runFlow(host, { protocol: 'tcp', from: '172.17.0.2', to: '172.17.0.3' }),
      /needs a destination port/,
    );
    const text = formatPath(runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2' }));
    assert.match(text, /^verdict: delivered \(1\/1 answered, receiver web, seen source 172\.30\.0\.1\)/);
    assert.match(text, /MASQUERADE/);
  });
});
