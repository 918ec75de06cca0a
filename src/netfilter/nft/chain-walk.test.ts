/** Native nft base chains walked for one packet: Docker 29's docker-bridges table and a distribution's inet filter. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseIPv4 } from '../address/index.ts';
import { invertTuple, tupleOf } from '../path/conntrack.ts';
import { newPacket, type Packet } from '../path/packet.ts';
import { RoutingTable } from '../path/routing.ts';
import { iface, testHost } from '../path/test-support.ts';
import { type NftCounterRef, NftRuleError, nftHookChains, walkNftBaseChain } from './chain-walk.ts';
import { parseNftRuleset } from './parse.ts';
import type { NftRuleset } from './types.ts';

const root = join(import.meta.dirname, '../../../fixtures/nft');
const load = (f: string) => parseNftRuleset(readFileSync(join(root, f), 'utf8'), { file: f });

const host = testHost(
  '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
  [],
  {
    interfaces: [
      iface('lo', 'loopback', '127.0.0.1/8'),
      iface('eth0', 'ether', '192.168.70.6/24'),
      iface('docker0', 'bridge', '172.17.0.1/16'),
      iface('bridge1', 'bridge', '192.0.2.1/24'),
    ],
  },
);
const routing = new RoutingTable(host);

/** A packet as the filter hooks see it: conntrack has given it a new, unconfirmed entry. */
function packet(fields: Partial<Packet> & { from: string; to: string }): Packet {
  const { from, to, ...rest } = fields;
  const p = newPacket({
    protocol: 'icmp',
    saddr: parseIPv4(from),
    daddr: parseIPv4(to),
    length: 84,
    icmpType: 8,
    ...rest,
  });
  const tuple = tupleOf(p);
  p.ct = {
    id: 1,
    original: tuple,
    reply: invertTuple(tuple),
    confirmed: false,
    seenReply: false,
    natInitialized: { src: false, dst: false },
    nat: { src: false, dst: false },
    mark: 0,
  };
  return p;
}

/** Walks every base chain at the hook in order, as the kernel does; stops at a drop. */
function runHook(
  rs: NftRuleset,
  hook: 'prerouting' | 'forward' | 'input' | 'postrouting' | 'output',
  p: Packet,
) {
  const counted: NftCounterRef[] = [];
  for (const { table, chain } of nftHookChains(rs, hook)) {
    const v = walkNftBaseChain(
      { env: { hook, routing }, onCount: (ref) => counted.push(ref) },
      table,
      chain,
      p,
    );
    if (v.kind !== 'accept') return { verdict: v, counted };
  }
  return { verdict: { kind: 'accept' as const }, counted };
}

const names = (refs: NftCounterRef[]) => refs.map((r) => `${r.chain}#${r.rule}`);

describe("Docker 29's docker-bridges table (usernet-portmap)", () => {
  it('drops a ping from docker0 to bridge1 in its UNPUBLISHED PORT DROP rule', () => {
    const rs = load('docker-29.7/usernet-portmap.nft');
    const p = packet({ from: '172.17.0.2', to: '192.0.2.2', inDev: 'docker0', outDev: 'bridge1' });
    const { verdict, counted } = runHook(rs, 'forward', p);
    assert.equal(verdict.kind, 'drop');
    assert.match((verdict as { by: string }).by, /filter-forward-in__bridge1 rule 4/);
    assert.deepEqual(names(counted), ['filter-forward-in__bridge1#4']);
  });
  it('accepts a SYN to the published port and counts it once', () => {
    const rs = load('docker-29.7/usernet-portmap.nft');
    const p = packet({
      from: '192.168.70.9',
      to: '192.0.2.2',
      protocol: 'tcp',
      dport: 80,
      sport: 40000,
      inDev: 'eth0',
      outDev: 'bridge1',
    });
    const { verdict, counted } = runHook(rs, 'forward', p);
    assert.equal(verdict.kind, 'accept');
    assert.deepEqual(names(counted), ['filter-forward-in__bridge1#3']);
    const rule = rs.tables[0]?.chains.find((c) => c.name === 'filter-forward-in__bridge1')?.rules[2];
    const counter = rule?.statements.find((s) => s.kind === 'counter');
    assert.deepEqual(counter?.kind === 'counter' && counter.counter, { packets: 1n, bytes: 84n });
  });
  it('DNATs the published port at prerouting for an address of the host', () => {
    const rs = load('docker-29.7/usernet-portmap.nft');
    const p = packet({
      from: '192.168.70.9',
      to: '192.168.70.6',
      protocol: 'tcp',
      dport: 8080,
      sport: 40000,
      inDev: 'eth0',
    });
    const { verdict, counted } = runHook(rs, 'prerouting', p);
    assert.equal(verdict.kind, 'nat');
    assert.ok(
      verdict.kind === 'nat' &&
        verdict.manip === 'dst' &&
        verdict.address === parseIPv4('192.0.2.2') &&
        verdict.port === 80,
    );
    assert.deepEqual(names(counted), ['nat-PREROUTING#1', 'nat-prerouting-and-output#1']);
  });
  it('runs the base chain listed (created) last first at equal priority, as the kernel did', () => {
    // Measured: `inet deny` loaded after `ip docker-bridges`, both at priority raw, counted
    // the 3 pings that docker-bridges' raw-PREROUTING then dropped.
    const rs = parseNftRuleset(
      `${readFileSync(join(root, 'docker-29.7/usernet-portmap.nft'), 'utf8')}table inet deny {
\tchain prerouting {
\t\ttype filter hook prerouting priority raw; policy accept;
\t\tcounter
\t}
}
`,
    );
    const order = nftHookChains(rs, 'prerouting').map((c) => `${c.table.name} ${c.chain.name}`);
    assert.deepEqual(order, [
      'deny prerouting',
      'docker-bridges raw-PREROUTING',
      'docker-bridges nat-PREROUTING',
    ]);
    const p = packet({ from: '192.168.70.9', to: '192.0.2.2', inDev: 'eth0' });
    const { verdict, counted } = runHook(rs, 'prerouting', p);
    assert.equal(verdict.kind, 'drop');
    assert.deepEqual(names(counted), ['prerouting#1', 'raw-PREROUTING#1']);
  });
  it('drops direct access to the container from outside in raw-PREROUTING first', () => {
    const rs = load('docker-29.7/usernet-portmap.nft');
    const order = nftHookChains(rs, 'prerouting').map((c) => c.chain.name);
    assert.deepEqual(order, ['raw-PREROUTING', 'nat-PREROUTING']);
    const p = packet({ from: '192.168.70.9', to: '192.0.2.2', inDev: 'eth0' });
    const { verdict, counted } = runHook(rs, 'prerouting', p);
    assert.equal(verdict.kind, 'drop');
    assert.deepEqual(names(counted), ['raw-PREROUTING#1']);
  });
  it('masquerades traffic leaving bridge1 for eth0', () => {
    const rs = load('docker-29.7/usernet-portmap.nft');
    const p = packet({ from: '192.0.2.2', to: '192.168.70.9', inDev: 'bridge1', outDev: 'eth0' });
    const { verdict } = runHook(rs, 'postrouting', p);
    assert.ok(verdict.kind === 'nat' && verdict.address === parseIPv4('192.168.70.6'));
  });
});

describe('several base chains at one hook', () => {
  const mixed = () =>
    parseNftRuleset(`table inet early {
\tchain forward {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tct state new counter accept
\t}
}
table ip late {
\tchain forward {
\t\ttype filter hook forward priority filter + 10; policy drop;
\t\ticmp type echo-request counter
\t}
}
`);
  it('an accept ends only its own base chain: the later chain still drops by policy', () => {
    const p = packet({ from: '172.17.0.2', to: '192.168.70.9', inDev: 'docker0', outDev: 'eth0' });
    const { verdict, counted } = runHook(mixed(), 'forward', p);
    assert.equal(verdict.kind, 'drop');
    assert.deepEqual(
      counted.map((r) => `${r.table}/${r.chain}#${r.rule}`),
      ['early/forward#1', 'late/forward#1'],
    );
  });
  it('an ip6 table and iptables-nft tables are not walked natively for IPv4', () => {
    const rs = parseNftRuleset(`table ip6 six {
\tchain f {
\t\ttype filter hook forward priority 0; policy drop;
\t}
}
table ip filter {
\tchain FORWARD {
\t\ttype filter hook forward priority filter; policy drop;
\t}
}
# Warning: table ip filter is managed by iptables-nft, do not touch!
`);
    assert.deepEqual(nftHookChains(rs, 'forward'), []);
  });
  it('a statement the twin does not model is refused by name when a packet reaches it', () => {
    const rs = load('real/host-inet-filter.nft');
    const p = packet({
      from: '172.17.0.2',
      to: '192.168.70.9',
      protocol: 'tcp',
      dport: 443,
      inDev: 'docker0',
      outDev: 'eth0',
    });
    p.ct = undefined;
    assert.throws(
      () => runHook(rs, 'forward', p),
      (e: unknown) => {
        assert.ok(e instanceof NftRuleError);
        assert.match(e.message, /does not model "fib saddr \. iif oif"/);
        return true;
      },
    );
  });
});
