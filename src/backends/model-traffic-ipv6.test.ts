/**
 * The model's IPv6 traffic a user expects (issue 20): an external client on the host's
 * IPv6 address fd70::6 through a published port, and URLs with IPv6 literals.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { createModelBackend, type ModelBackend } from './model.ts';
import {
  DIND_HOST_ADDRESS6,
  EXTERNAL_CLIENT_ADDRESS6,
  LAN_PREFIX6,
  LAN6,
  urlHostAddress,
} from './model-traffic.ts';

const external = { kind: 'external' } as const;

async function ipv6Host(version = '28.5', ipv6 = true): Promise<ModelBackend> {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: version, daemonOptions: ['--experimental', '--ip6tables'], ipv6 });
  await b.createNetwork({ name: 'n6', ipv6: true, subnet: '172.30.0.0/24', subnet6: 'fd00:1::/64' });
  await b.runContainer({
    name: 'web',
    network: 'n6',
    httpBody: 'hello',
    httpPort: 80,
    publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  });
  return b;
}

test("the model LAN is the real hosts' (outside-world-ipv6.ts)", () => {
  assert.equal(DIND_HOST_ADDRESS6, OUTSIDE_IPV6.host);
  assert.equal(EXTERNAL_CLIENT_ADDRESS6, OUTSIDE_IPV6.client);
  assert.equal(LAN_PREFIX6, OUTSIDE_IPV6.prefix);
  assert.equal(LAN6, `fd70::/${OUTSIDE_IPV6.prefix}`);
});

test("urlHostAddress drops an IPv6 literal's brackets and leaves names and IPv4 alone", () => {
  assert.equal(urlHostAddress(new URL('http://[fd70::6]:8080/').hostname), 'fd70::6');
  assert.equal(urlHostAddress('192.168.70.6'), '192.168.70.6');
  assert.equal(urlHostAddress('web'), 'web');
  fc.assert(
    fc.property(fc.ipV6(), (address) => {
      const hostname = new URL(`http://[${address}]:80/`).hostname;
      // URL prints the address canonically: unbracketed, it parses back to the same URL host.
      assert.equal(`[${urlHostAddress(hostname)}]`, hostname);
      assert.ok(!urlHostAddress(hostname).includes('['));
    }),
  );
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.domain()), (host) => {
      assert.equal(urlHostAddress(host), host);
    }),
  );
});

test("an external client is served on the host's IPv6 address through ip6tables' DNAT", async () => {
  const b = await ipv6Host();
  const r = (await b.httpGet(external, 'http://[fd70::6]:8080/')).outcome;
  assert.deepEqual([r.outcome, r.body], ['ok', 'hello']);
  assert.equal(await b.lastSeenSource('web'), 'fd70::9', "DNAT keeps the client's address");
  const flow = b.lastFlow();
  assert.equal(flow?.family, 'ipv6');
});

test('a host without IPv6 has no fd70::6: the request finds no route', async () => {
  const b = await ipv6Host('28.5', false);
  const r = (await b.httpGet(external, 'http://[fd70::6]:8080/')).outcome;
  assert.equal(r.outcome, 'unreachable');
  const p = (await b.ping(external, 'fd00:1::2', 1)).outcome;
  assert.deepEqual([p.received, p.unreachable], [0, true]);
});

test('a container requests another by its IPv6 literal', async () => {
  const b = await ipv6Host();
  await b.runContainer({ name: 'box', network: 'n6' });
  const r = (await b.httpGet({ kind: 'container', name: 'box' }, 'http://[fd00:1::2]/')).outcome;
  assert.deepEqual([r.outcome, r.body], ['ok', 'hello']);
  assert.equal(await b.lastSeenSource('web'), 'fd00:1::3');
});

test('ping -6 by name: the embedded DNS answers the IPv6 address, only on networks with IPv6', async () => {
  const b = await ipv6Host();
  await b.runContainer({ name: 'box', network: 'n6' });
  await b.createNetwork({ name: 'v4only' });
  await b.runContainer({ name: 'plain', network: 'v4only' });
  await b.runContainer({ name: 'asker', network: 'v4only' });
  const box = { kind: 'container', name: 'box' } as const;
  const p = (await b.pingByName(box, 'web', 3, 'ipv6')).outcome;
  assert.deepEqual([p.sent, p.received], [3, 3]);
  assert.equal(b.lastFlow()?.family, 'ipv6');
  assert.equal(await b.lastSeenSource('web'), 'fd00:1::3');
  const v4 = (await b.pingByName(box, 'web', 1)).outcome;
  assert.equal(v4.received, 1);
  assert.notEqual(b.lastFlow()?.family, 'ipv6');
  // No AAAA record for a container on a network without IPv6.
  await assert.rejects(
    b.pingByName({ kind: 'container', name: 'asker' }, 'plain', 1, 'ipv6'),
    /ping: plain: Address family for hostname not supported/,
  );
});
