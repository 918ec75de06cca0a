/**
 * NAT66 egress and gateway_mode_ipv6=routed on the model (issue 20 point 5): what a
 * container's packet to the LAN's fd70::9 leaves with, and the LAN reaching a routed
 * network's containers at their own addresses via the host's fd70::6.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HostCounters, iptablesStateOf } from '../netfilter/firewall-state.ts';
import { createModelBackend, type ModelBackend } from './model.ts';
import { EXTERNAL_CLIENT_ADDRESS6 } from './model-traffic.ts';

const external = { kind: 'external' } as const;
const box = { kind: 'container', name: 'box' } as const;

async function host(version: string, mode?: 'routed'): Promise<ModelBackend> {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: version, daemonOptions: ['--experimental', '--ip6tables'], ipv6: true });
  await b.createNetwork({
    name: 'n6',
    ipv6: true,
    subnet: '172.30.0.0/24',
    subnet6: 'fd00:1::/64',
    options: {
      'com.docker.network.bridge.name': 'br6',
      ...(mode ? { 'com.docker.network.bridge.gateway_mode_ipv6': mode } : {}),
    },
  });
  await b.runContainer({ name: 'box', network: 'n6' });
  return b;
}

/** Packets ip6tables' `table` counted on the rule `text` (iptables-save's words). */
function counted6(counters: HostCounters, table: string, text: string): number {
  const set = counters.find((c) => c.framework === 'iptables-nft' && c.family === 'ipv6');
  if (!set || set.framework === 'nftables') return 0;
  return set.rows.find((r) => r.table === table && r.text === text)?.packets ?? 0;
}

test("NAT66: a container pings the LAN from the host's fd70::6, one MASQUERADE per flow", async () => {
  for (const version of ['26.1', '28.5', '29.7']) {
    const b = await host(version);
    const o = await b.ping(box, EXTERNAL_CLIENT_ADDRESS6, 3);
    assert.deepEqual([o.outcome.sent, o.outcome.received], [3, 3], version);
    assert.equal(await b.lastSeenSource('external'), 'fd70::6', version);
    assert.equal(b.lastFlow()?.family, 'ipv6');
    const masquerade = '-A POSTROUTING -s fd00:1::/64 ! -o br6 -j MASQUERADE';
    assert.equal(counted6(o.counters, 'nat', masquerade), 1, version);
  }
});

test('routed (28.5, 29.7): the LAN reaches the container at its own address once it routes the subnet via the host', async () => {
  for (const version of ['28.5', '29.7']) {
    const b = await host(version, 'routed');
    // No route: the client's packet never leaves it.
    const before = (await b.ping(external, 'fd00:1::2', 1)).outcome;
    assert.equal(before.received, 0, version);
    await b.routeViaHost('fd00:1::/64');
    const after = (await b.ping(external, 'fd00:1::2', 3)).outcome;
    assert.deepEqual([after.sent, after.received], [3, 3], version);
    assert.equal(await b.lastSeenSource('box'), 'fd70::9', 'no NAT on the way in');
    await b.ping(box, EXTERNAL_CLIENT_ADDRESS6, 1);
    assert.equal(await b.lastSeenSource('external'), 'fd00:1::2', 'no NAT on the way out');
  }
});

test('26.1 ignores gateway_mode_ipv6: the routed LAN meets FORWARD DROP and egress is masqueraded', async () => {
  const b = await host('26.1', 'routed');
  await b.routeViaHost('fd00:1::/64');
  const p = (await b.ping(external, 'fd00:1::2', 3)).outcome;
  assert.equal(p.received, 0);
  await b.ping(box, EXTERNAL_CLIENT_ADDRESS6, 1);
  assert.equal(await b.lastSeenSource('external'), 'fd70::6');
});

test('an IPv6 route via the host needs a host started "with IPv6"; IPv4 routes stay IPv4-only', async () => {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  await assert.rejects(b.routeViaHost('fd00:1::/64'), /has no IPv6 address \(start the host "with IPv6"\)/);
  await b.routeViaHost('172.18.0.0/16');
});

test("routed (28.5): ip6tables' nat POSTROUTING holds no rule, is not in the kernel and counts nothing", async () => {
  const b = await host('28.5', 'routed');
  await b.routeViaHost('fd00:1::/64');
  const o = await b.ping(box, EXTERNAL_CLIENT_ADDRESS6, 3);
  assert.equal(o.outcome.received, 3);
  // iptables' nat POSTROUTING holds the IPv4 MASQUERADE: registered. ip6tables' registers its own.
  const { firewall } = b.hostState();
  const v4 = iptablesStateOf(firewall, 'iptables-nft', 'ipv4')?.materializedBuiltins;
  const v6 = iptablesStateOf(firewall, 'iptables-nft', 'ipv6')?.materializedBuiltins;
  assert.ok(v4?.includes('nat/POSTROUTING'));
  assert.ok(v6?.includes('filter/FORWARD'));
  assert.ok(!v6?.includes('nat/POSTROUTING'));
  const set = o.counters.find((c) => c.framework === 'iptables-nft' && c.family === 'ipv6');
  const rows = set && set.framework !== 'nftables' ? set.rows : [];
  const policy = rows.find((r) => r.table === 'nat' && r.chain === 'POSTROUTING' && r.rule === 0);
  assert.equal(policy?.packets ?? 0, 0, 'measured on a 28.5 DinD host: [0:0]');
  assert.equal(counted6(o.counters, 'nat', ':POSTROUTING ACCEPT'), 0);
  // A NATed network's ip6 nat POSTROUTING holds its MASQUERADE, and its policy counts what passes.
  const nat = await host('28.5');
  await nat.routeViaHost('fd00:1::/64');
  const inbound = await nat.ping({ kind: 'external' }, 'fd00:1::2', 1);
  assert.equal(
    inbound.outcome.received,
    0,
    'NAT mode: the raw table drops what the LAN sends to a container',
  );
});
