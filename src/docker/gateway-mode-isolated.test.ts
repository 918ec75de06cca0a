/**
 * `-o com.docker.network.bridge.gateway_mode_ipv4=isolated` (28.0+, internal networks only):
 * no gateway reserved, no IPv4 address on the bridge, an internal network's rules; and on the
 * packet path, containers of such a bridge still reach each other (bridged by MAC) while the
 * host has no route to them. Read in moby v28.5.2 / docker-v29.7.2 (bridge_linux.go
 * newGwMode, GetSkipGwAlloc; setup_ipv4_linux.go; network.go ipamAllocateVersion).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { DockerDaemonModel } from './daemon-model.ts';
import { runDockerScript } from './script.ts';

const ISOLATED = '-o com.docker.network.bridge.gateway_mode_ipv4=isolated';
const BACKENDS = [
  { version: '28.5', first: '' },
  { version: '29.7', first: '' },
  { version: '29.7', first: 'dockerd --firewall-backend=nftables\n' },
];

/** The host's firewall as text, whichever backend wrote it. */
function firewallText(m: DockerDaemonModel): string {
  const nft = m.nftRuleset();
  return serializeRuleset(m.ruleset()) + (nft ? serializeNftRuleset(nft) : '');
}

function bridgeAddresses(m: DockerDaemonModel, network: string): string[] {
  const bridge = m.inspectNetwork(network).bridge;
  return (
    m
      .host()
      .interfaces.find((i) => i.name === bridge)
      ?.addresses.map((a) => a.address) ?? []
  );
}

test('isolated: no gateway, the first address to the first container, no address on the bridge', () => {
  for (const { version, first } of BACKENDS) {
    const m = runDockerScript(
      `${first}docker network create --internal ${ISOLATED} vault\n` +
        'docker run -d --name a1 --network vault nginx\ndocker run -d --name b1 --network vault nginx\n',
      { version },
    );
    const network = m.inspectNetwork('vault');
    assert.equal(network.gateway, '', version);
    const prefix = network.subnet.replace(/0\/\d+$/, '');
    assert.equal(m.inspectContainer('a1').address, `${prefix}1`, version);
    assert.equal(m.inspectContainer('b1').address, `${prefix}2`, version);
    assert.deepEqual(bridgeAddresses(m, 'vault'), [], version);
  }
});

test('isolated writes an internal network’s rules, unchanged', () => {
  for (const { version, first } of BACKENDS) {
    const script = (options: string) =>
      `${first}docker network create --internal --subnet 172.30.20.0/24 ${options} vault\n` +
      'docker run -d --name a1 --network vault --ip 172.30.20.5 nginx\n';
    const internal = runDockerScript(script(''), { version });
    const isolated = runDockerScript(script(ISOLATED), { version });
    assert.equal(firewallText(isolated), firewallText(internal), version);
    // Mutation check: the bridge of the plain internal network does hold the gateway.
    assert.deepEqual(bridgeAddresses(internal, 'vault'), ['172.30.20.1']);
  }
});

test('isolated with --gateway: the address is reserved for no one, and the bridge still holds none', () => {
  const m = runDockerScript(
    `docker network create --internal --subnet 172.30.20.0/24 --gateway 172.30.20.1 ${ISOLATED} vault\n` +
      'docker run -d --name a1 --network vault nginx\n',
    { version: '28.5' },
  );
  assert.equal(m.inspectNetwork('vault').gateway, '172.30.20.1');
  assert.equal(m.inspectContainer('a1').address, '172.30.20.2');
  assert.deepEqual(bridgeAddresses(m, 'vault'), []);
});

test('a /31 isolated network has two addresses for containers (RFC 3021; moby TestPointToPoint)', () => {
  const m = runDockerScript(
    `docker network create --internal --subnet 192.168.135.0/31 ${ISOLATED} p2p\n` +
      'docker run -d --name a1 --network p2p nginx\ndocker run -d --name b1 --network p2p nginx\n',
    { version: '29.7' },
  );
  assert.equal(m.inspectContainer('a1').address, '192.168.135.0');
  assert.equal(m.inspectContainer('b1').address, '192.168.135.1');
});

test('isolated is refused on a network that is not internal; 26.1 skips the option it does not know', () => {
  for (const version of ['28.5', '29.7']) {
    assert.throws(
      () => runDockerScript(`docker network create ${ISOLATED} open\n`, { version }),
      /gateway mode 'isolated' can only be used for an internal network/,
    );
    assert.throws(
      () =>
        runDockerScript('docker network create -o com.docker.network.bridge.gateway_mode_ipv4=closed x\n', {
          version,
        }),
      /unknown gateway mode closed/,
    );
  }
  const m = runDockerScript(`docker network create --internal ${ISOLATED} vault\n`, { version: '26.1' });
  assert.equal(m.inspectNetwork('vault').gateway, m.inspectNetwork('vault').subnet.replace(/0\/\d+$/, '1'));
  assert.equal(bridgeAddresses(m, 'vault').length, 1);
});

test('on the packet path: containers of an isolated bridge reach each other, the host reaches none', () => {
  for (const { version, first } of BACKENDS) {
    const m = runDockerScript(
      `${first}docker network create --internal --subnet 172.30.20.0/24 ${ISOLATED} vault\n` +
        'docker run -d --name a1 --network vault nginx\ndocker run -d --name b1 --network vault nginx\n',
      { version },
    );
    const across = runFlow(m.host(), { protocol: 'icmp', from: '172.30.20.1', to: '172.30.20.2', count: 2 });
    assert.equal(across.delivered, 2, version);
    assert.ok(
      across.path.some((s) => s.text.includes('via a port of bridge')),
      `${version}: bridged, not routed`,
    );
    const fromHost = runFlow(m.host(), {
      protocol: 'icmp',
      from: '192.168.70.6',
      to: '172.30.20.2',
      count: 1,
    });
    // No route to the subnet: the host's default route takes the ping away, to be lost.
    assert.equal(fromHost.delivered, 0, version);
    assert.ok(
      fromHost.path.some((s) => s.text.startsWith('left through gateway')),
      `${version}: ${fromHost.path.map((s) => s.text).join('; ')}`,
    );
  }
});

test('gateway_mode_ipv6=isolated likewise: no IPv6 gateway unless given, ::1 to the first container', () => {
  const m = runDockerScript(
    `docker network create --internal --ipv6 --subnet fd00:3::/64 -o com.docker.network.bridge.gateway_mode_ipv6=isolated x6\n` +
      'docker run -d --name a1 --network x6 nginx\n',
    { version: '29.7' },
  );
  assert.equal(m.inspectNetwork('x6').gateway6, undefined);
  assert.equal(m.inspectContainer('a1').address6, 'fd00:3::1');
  // IPv4 keeps its gateway: the modes are per family.
  assert.equal(m.inspectNetwork('x6').gateway, '172.18.0.1');
  const given = runDockerScript(
    'docker network create --internal --ipv6 --subnet fd00:3::/64 --gateway fd00:3::1 ' +
      '-o com.docker.network.bridge.gateway_mode_ipv6=isolated x6\ndocker run -d --name a1 --network x6 nginx\n',
    { version: '29.7' },
  );
  assert.equal(given.inspectNetwork('x6').gateway6, 'fd00:3::1');
  assert.equal(given.inspectContainer('a1').address6, 'fd00:3::2');
  assert.ok(!bridgeAddresses(given, 'x6').includes('fd00:3::1'));
});
