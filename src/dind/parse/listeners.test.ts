import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDockerProxies, parseListeners } from './listeners.ts';

const PS = `    1 /bin/sh /usr/local/bin/nettwin-entrypoint
  212 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80
  219 /usr/sbin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.17.0.2 -container-port 80`;

const SS = `tcp   LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:(("docker-proxy",pid=212,fd=4))
tcp   LISTEN 0      4096            [::]:8080         [::]:*    users:(("docker-proxy",pid=219,fd=4))
tcp   LISTEN 0      4096      127.0.0.11:42121     0.0.0.0:*
udp   UNCONN 0      0         127.0.0.11:50570     0.0.0.0:*    `;

test('docker-proxy processes from ps', () => {
  const proxies = parseDockerProxies(PS);
  assert.equal(proxies.length, 2);
  assert.deepEqual(proxies[0], {
    pid: 212,
    protocol: 'tcp',
    hostIp: '0.0.0.0',
    hostPort: 8080,
    containerIp: '172.17.0.2',
    containerPort: 80,
  });
});

test('listeners of both families with the docker-proxy relay target', () => {
  assert.deepEqual(parseListeners(SS, parseDockerProxies(PS)), [
    {
      protocol: 'tcp',
      address: '0.0.0.0',
      port: 8080,
      owner: 'docker-proxy',
      forwardTo: { address: '172.17.0.2', port: 80 },
    },
    {
      protocol: 'tcp',
      address: '::',
      port: 8080,
      owner: 'docker-proxy',
      forwardTo: { address: '172.17.0.2', port: 80 },
    },
    { protocol: 'tcp', address: '127.0.0.11', port: 42121 },
    { protocol: 'udp', address: '127.0.0.11', port: 50570 },
  ]);
});

test('any listening address and port of either family parses back, scope id dropped', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.ipV4(),
        fc.ipV6().map((a) => `[${a}]`),
      ),
      fc.integer({ min: 1, max: 65535 }),
      fc.constantFrom('', '%eth0'),
      (address, port, scope) => {
        const local = address.startsWith('[') ? `${address}${scope}` : address;
        const line = `tcp   LISTEN 0      4096      ${local}:${port}      [::]:*`;
        const [l] = parseListeners(line);
        assert.deepEqual(l, { protocol: 'tcp', address: address.replace(/^\[|\]$/g, ''), port });
      },
    ),
  );
});
