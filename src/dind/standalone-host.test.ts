import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StandaloneHostSpec } from '../contract.ts';
import {
  interfaceFor,
  interfaceScript,
  neighbourNamespace,
  neighbourScript,
  StandaloneHostError,
} from './standalone-host.ts';

const spec: StandaloneHostSpec = {
  rulesetText: '',
  interfaces: [
    { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
    { name: 'br-cbd0f56841ce', kind: 'bridge', addresses: [{ address: '172.18.0.1', prefix: 16 }] },
    { name: 'veth-a', kind: 'ether', addresses: [{ address: '10.0.1.1', prefix: 24 }] },
  ],
  routes: [],
  sysctls: { 'net.ipv4.ip_forward': '1' },
  neighbours: [],
};

test('interfaceFor finds the interface whose subnet holds an address', () => {
  assert.equal(interfaceFor(spec.interfaces, '172.18.200.3')?.iface.name, 'br-cbd0f56841ce');
  assert.equal(interfaceFor(spec.interfaces, '10.0.1.9')?.gateway, '10.0.1.1');
  assert.equal(interfaceFor(spec.interfaces, '192.0.2.1'), undefined);
});

test('interfaceScript creates bridges and veths, skips loopback, sets sysctls', () => {
  const script = interfaceScript(spec).join('\n');
  assert.match(script, /ip link add br-cbd0f56841ce type bridge/);
  assert.match(script, /ip link add veth-a type veth peer name veth-a-nb/);
  assert.match(script, /ip addr add 172\.18\.0\.1\/16 dev br-cbd0f56841ce/);
  assert.doesNotMatch(script, /dev lo\b/);
  assert.match(script, /sysctl -qw net\.ipv4\.ip_forward=1/);
});

test('interface names the kernel would refuse are an error naming the interface', () => {
  const bad = {
    ...spec,
    interfaces: [{ name: 'a-name-that-is-too-long', kind: 'bridge' as const, addresses: [] }],
  };
  assert.throws(
    () => interfaceScript(bad),
    (e: Error) => e instanceof StandaloneHostError && /a-name-that-is-too-long/.test(e.message),
  );
});

test('a neighbour on a bridge gets its own veth, distinct for addresses with the same digits', () => {
  const a = neighbourScript(spec, '172.18.0.2').join('\n');
  const b = neighbourScript(spec, '172.18.0.20').join('\n');
  const hostEnd = (s: string) => /ip link add (\S+) type veth/.exec(s)?.[1];
  assert.ok(hostEnd(a) && hostEnd(b) && hostEnd(a) !== hostEnd(b));
  assert.ok((hostEnd(a)?.length ?? 99) <= 15);
  assert.match(a, new RegExp(`ip netns add ${neighbourNamespace('172.18.0.2')}`));
  assert.match(a, /master br-cbd0f56841ce/);
  assert.match(a, /route add default via 172\.18\.0\.1/);
});

test('a neighbour behind a veth takes the far end into its namespace', () => {
  const s = neighbourScript(spec, '10.0.1.2').join('\n');
  assert.match(s, /ip link set veth-a-nb netns nt-10-0-1-2/);
  assert.match(s, /addr add 10\.0\.1\.2\/24/);
});

test('a neighbour on none of the interfaces is an error that says what to add', () => {
  assert.throws(() => neighbourScript(spec, '192.0.2.7'), /192\.0\.2\.7 is on none of the host's interfaces/);
});
