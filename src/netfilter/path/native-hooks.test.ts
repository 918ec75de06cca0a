/**
 * Native nft base chains beside iptables' tables in whole flows: the order by priority,
 * accept ending one base chain only, nat chains sharing nf_nat's hook, and Docker 29's
 * nftables backend on its own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FlowResult, HostState } from '../host-types.ts';
import { parseNftRuleset } from '../nft/parse.ts';
import { runFlow } from './index.ts';
import { iface, NEIGHBOURS, testHost, withNftables } from './test-support.ts';

const FORWARD_DROP = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';

function native(result: FlowResult): string[] {
  return (result.nftCounters ?? []).map((c) => `${c.table} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`);
}
function iptables(result: FlowResult): string[] {
  return result.counters.map((c) => `${c.table} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`);
}

/** A native inet table with a counting forward chain before (-10) and after (+10) iptables' filter. */
const AROUND_FILTER = `table inet watch {
\tchain early {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tct state new counter
\t}

\tchain late {
\t\ttype filter hook forward priority filter + 10; policy accept;
\t\tcounter
\t}
}
`;

describe('native nft chains beside iptables', () => {
  it("a chain before iptables' FORWARD DROP counts every dropped ping as NEW; a chain after it counts none", () => {
    // Measured on this machine's kernel in namespaces (DESIGN.md): 3 + 0.
    const host = withNftables(testHost(FORWARD_DROP, NEIGHBOURS), parseNftRuleset(AROUND_FILTER));
    const r = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(native(r), ['watch early#1 3:252']);
    assert.deepEqual(iptables(r), ['filter FORWARD#0 3:252']);
  });

  it('an accept in a native chain does not spare the packet from a native drop at a later priority', () => {
    const rs = parseNftRuleset(`table inet first {
\tchain f {
\t\ttype filter hook forward priority -5; policy accept;
\t\tip daddr 192.168.70.10 counter accept
\t}
}
table ip second {
\tchain f {
\t\ttype filter hook forward priority 5; policy accept;
\t\ticmp type echo-request counter drop
\t}
}
`);
    const host = withNftables(
      testHost(FORWARD_DROP.replace('FORWARD DROP', 'FORWARD ACCEPT'), NEIGHBOURS),
      rs,
    );
    const r = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 2 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(native(r), ['first f#1 2:168', 'second f#1 2:168']);
    assert.ok(r.path.some((s) => /dropped by ip second f rule 1/.test(s.text)));
  });

  it('a native nat chain after an iptables nat table that bound nothing gets its turn; then conntrack carries the binding', () => {
    const rs = parseNftRuleset(`table ip mynat {
\tchain post {
\t\ttype nat hook postrouting priority srcnat + 5; policy accept;
\t\toifname "eth0" counter snat to 192.168.70.6
\t}
}
`);
    const noNat =
      '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n';
    const host = withNftables(testHost(noNat, NEIGHBOURS), rs);
    const r = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '192.168.70.10', count: 3 });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.seenSource, '192.168.70.6');
    // Only the first packet of the flow meets the nat chains.
    assert.deepEqual(native(r), ['mynat post#1 1:84']);
  });
});

describe("Docker 29's nftables backend (usernet-portmap)", () => {
  const fixture = join(import.meta.dirname, '../../../fixtures/nft/docker-29.7/usernet-portmap.nft');
  function dockerHost(): HostState {
    return testHost(
      '',
      [
        { name: 'c1', address: '192.0.2.2', dev: 'bridge1', listeners: [{ protocol: 'tcp', port: 80 }] },
        { name: 'other', address: '172.17.0.2', dev: 'docker0' },
        { name: 'client', address: '192.168.70.9', dev: 'eth0' },
      ],
      {
        firewall: [
          { framework: 'iptables-nft', family: 'ipv4', ruleset: { tables: [] } },
          { framework: 'nftables', ruleset: parseNftRuleset(readFileSync(fixture, 'utf8')) },
        ],
        interfaces: [
          iface('lo', 'loopback', '127.0.0.1/8'),
          iface('eth0', 'ether', '192.168.70.6/24'),
          iface('docker0', 'bridge', '172.17.0.1/16'),
          iface('bridge1', 'bridge', '192.0.2.1/24'),
        ],
      },
    );
  }

  it('the published port answers from outside through the DNAT, counted once per flow', () => {
    const r = runFlow(dockerHost(), {
      protocol: 'tcp',
      from: '192.168.70.9',
      to: '192.168.70.6',
      port: 8080,
      count: 1,
      quickAck: true,
    });
    assert.equal(r.verdict, 'delivered');
    const moved = native(r);
    assert.ok(moved.includes('docker-bridges nat-prerouting-and-output#1 1:60'), moved.join('\n'));
    assert.ok(
      moved.some((m) => m.startsWith('docker-bridges filter-forward-in__bridge1#3 1:')),
      moved.join('\n'),
    );
  });

  it('a container on docker0 cannot reach c1 directly: raw-PREROUTING drops each ping', () => {
    const r = runFlow(dockerHost(), { protocol: 'icmp', from: '172.17.0.2', to: '192.0.2.2', count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(native(r), ['docker-bridges raw-PREROUTING#1 3:252']);
  });

  it('c1 reaches the outside world masqueraded as the host', () => {
    const r = runFlow(dockerHost(), { protocol: 'icmp', from: '192.0.2.2', to: '192.168.70.9', count: 2 });
    assert.equal(r.verdict, 'delivered');
    assert.equal(r.seenSource, '192.168.70.6');
  });
});
