/**
 * Cold neighbour caches (FlowSpec.coldNeighbours, `trace --cold-neighbours`): the NS/NA a
 * ping -6 costs in each direction on the ip6-kernel host (bridge1 fd30::1/64 with c1
 * fd30::2 and c2 fd30::3, eth0 fd70::6/64 with the client fd70::9), counted by a ruleset
 * with a counting rule per ND type in every filter chain. The expected counts are the
 * real kernel's (src/dind/ip6-kernel-cold.docker-test.ts measures them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runTrace, type TraceOptions } from '../../cli/trace.ts';
import { formatIp, parseIp } from './ip.ts';
import { solicitedNode } from './neighbour-discovery.ts';

const COUNTING = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ...['INPUT', 'FORWARD', 'OUTPUT'].flatMap((c) => [
    `-A ${c} -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m conntrack --ctstate UNTRACKED`,
    `-A ${c} ! -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 135`,
    `-A ${c} -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m conntrack --ctstate UNTRACKED`,
  ]),
  'COMMIT',
  '',
].join('\n');

const DROP_NS_IN = COUNTING.replace(
  ':INPUT ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP',
);

function trace(from: string, to: string, extra: Partial<TraceOptions> = {}, dump = COUNTING) {
  const out = runTrace(
    {
      ruleset: ['host.ip6tables-save'],
      bridge: ['bridge1=fd30::1/64'],
      iface: ['eth0=fd70::6/64'],
      sysctl: [],
      listen: [],
      from,
      to,
      count: '3',
      neighbour: ['fd30::2', 'fd30::3'].filter((a) => a !== from && a !== to),
      save: true,
      coldNeighbours: true,
      ...extra,
    },
    () => dump,
  );
  assert.equal(out.stderr, '');
  assert.equal(out.exitCode, 0);
  return out.stdout;
}

/** `chain rule-index: packets` for every counting rule that moved ("INPUT ns-multicast: 1"). */
function moved(save: string): Record<string, number> {
  const names = ['ns-multicast', 'ns-unicast', 'na'];
  const seen: Record<string, number> = {};
  const perChain: Record<string, number> = {};
  for (const line of save.split('\n')) {
    const m = /^\[(\d+):(\d+)\] -A (\w+) /.exec(line);
    if (!m) continue;
    const chain = m[3] as string;
    const i = perChain[chain] ?? 0;
    perChain[chain] = i + 1;
    if (m[1] !== '0') seen[`${chain} ${names[i]}`] = Number(m[1]);
  }
  return seen;
}

describe('trace --cold-neighbours: the NS/NA of a ping -6 -c 3 in each direction', () => {
  it('container → container on one bridge: the NS floods through FORWARD, the NA is bridged', () => {
    assert.deepEqual(moved(trace('fd30::2', 'fd30::3')), { 'FORWARD ns-multicast': 1, 'FORWARD na': 1 });
  });

  it('container → host: the NS reaches INPUT (and floods to the other container), the NA leaves by OUTPUT', () => {
    assert.deepEqual(moved(trace('fd30::2', 'fd30::1')), {
      'INPUT ns-multicast': 1,
      'FORWARD ns-multicast': 1,
      'OUTPUT na': 1,
    });
  });

  it('host → container: the host solicits (OUTPUT), the container answers (INPUT) and has learnt the host', () => {
    assert.deepEqual(moved(trace('fd30::1', 'fd30::2')), { 'OUTPUT ns-multicast': 1, 'INPUT na': 1 });
  });

  it('container → external client: both hops resolved; c1 and the client each also probe their gateway (rt6_probe)', () => {
    assert.deepEqual(moved(trace('fd30::2', 'fd70::9')), {
      'INPUT ns-multicast': 4,
      'FORWARD ns-multicast': 2,
      'OUTPUT ns-multicast': 1,
      'INPUT na': 1,
      'OUTPUT na': 4,
    });
  });

  it('external client → container: the host solicits from its link-local address, so c1 resolves (and probes) its gateway', () => {
    assert.deepEqual(moved(trace('fd70::9', 'fd30::2')), {
      'INPUT ns-multicast': 4,
      'FORWARD ns-multicast': 2,
      'OUTPUT ns-multicast': 1,
      'INPUT na': 1,
      'OUTPUT na': 4,
    });
  });

  it('the ND packets are steps of the packet that needs them, untracked, 72 bytes each', () => {
    const text = runTrace(
      {
        ruleset: ['h'],
        bridge: ['bridge1=fd30::1/64'],
        iface: [],
        sysctl: [],
        listen: [],
        from: 'fd30::2',
        to: 'fd30::3',
        coldNeighbours: true,
      },
      () => COUNTING,
    ).stdout;
    assert.match(text, /packet 1 \(request\)\n {4}neighbour solicitation for fd30::3: c/);
    assert.match(text, /neighbour advertisement: server answers for fd30::3 \(and has learnt fd30::2/);
    assert.match(text, /conntrack: UNTRACKED/);
    assert.match(text, /\[1:72\] filter -A FORWARD -d ff02::\/16/);
    assert.doesNotMatch(text.slice(text.indexOf('packet 2')), /neighbour/);
  });

  it('a dropped NS leaves the entry unresolved: the ping is lost, and the next one solicits again', () => {
    const out = runTrace(
      {
        ruleset: ['h'],
        bridge: ['bridge1=fd30::1/64'],
        iface: [],
        sysctl: [],
        listen: [],
        from: 'fd30::2',
        to: 'fd30::1',
        count: '2',
        coldNeighbours: true,
        json: true,
      },
      () => DROP_NS_IN,
    );
    const result = JSON.parse(out.stdout) as { verdict: string; delivered: number };
    assert.equal(result.verdict, 'timeout');
    assert.equal(result.delivered, 0);
  });

  it("the gateway probe is an NS from the sender's link-local address, once per flow", () => {
    const text = runTrace(
      {
        ruleset: ['h'],
        bridge: ['bridge1=fd30::1/64'],
        iface: ['eth0=fd70::6/64'],
        sysctl: [],
        listen: [],
        from: 'fd30::2',
        to: 'fd70::9',
        count: '3',
        coldNeighbours: true,
      },
      () => COUNTING,
    ).stdout;
    const probes = text.match(
      /neighbour solicitation for fd30::1 from client's link-local address: router reachability probe/g,
    );
    assert.equal(probes?.length, 1);
    assert.match(text, /neighbour advertisement: the host answers for fd30::1 \(and has learnt fe80:: from/);
  });

  it('warm caches (the default) count no ND at all', () => {
    assert.deepEqual(moved(trace('fd70::9', 'fd30::2', { coldNeighbours: false })), {});
  });

  it('IPv4: nothing changes, and the path says why (ARP is not IP)', () => {
    const v4 = (cold: boolean) =>
      runTrace(
        {
          ruleset: ['h'],
          bridge: ['br0=172.30.0.1/24'],
          iface: [],
          sysctl: [],
          listen: [],
          from: '172.30.0.2',
          to: '172.30.0.3',
          coldNeighbours: cold,
          save: true,
        },
        () => '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
      ).stdout;
    assert.equal(v4(true), v4(false));
    const path = runTrace(
      {
        ruleset: ['h'],
        bridge: ['br0=172.30.0.1/24'],
        iface: [],
        sysctl: [],
        listen: [],
        from: '172.30.0.2',
        to: '172.30.0.3',
        coldNeighbours: true,
      },
      () => '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
    ).stdout;
    assert.match(path, /ARP, which is not IP/);
  });

  it('--neighbour must be another machine in a subnet', () => {
    for (const bad of ['fd30::1', 'fd99::1', '[fd30::3]:80']) {
      const out = runTrace(
        {
          ruleset: ['h'],
          bridge: ['bridge1=fd30::1/64'],
          iface: [],
          sysctl: [],
          listen: [],
          from: 'fd30::2',
          to: 'fd30::1',
          neighbour: [bad],
        },
        () => COUNTING,
      );
      assert.equal(out.exitCode, 2, bad);
      assert.match(out.stderr, /--neighbour/);
    }
  });
});

describe('solicitedNode', () => {
  it('is ff02::1:ff00:0/104 with the target’s low 24 bits (RFC 4291 2.7.1)', () => {
    assert.equal(formatIp(solicitedNode(parseIp('fd30::3') as bigint)), 'ff02::1:ff00:3');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (target) => {
        const group = solicitedNode(target);
        assert.equal(group >> 24n, 0xff0200000000000000000001ffn);
        assert.equal(group & 0xffffffn, target & 0xffffffn);
      }),
    );
  });
});
