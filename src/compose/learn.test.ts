import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type LearntCompose, orderedByRules, pinnedPlan, timestampKey } from './learn.ts';
import { readCompose } from './plan.ts';

const SHOPLIKE = `
services:
  web:
    deploy: {replicas: 2}
    networks: [front, back]
    ports: ["8080:80"]
  api:
    networks:
      back: {ipv4_address: 172.30.10.10}
  side:
    network_mode: service:web
networks:
  front: {}
  back:
    ipam: {config: [{subnet: 172.30.10.0/24}]}
`;

const plan = readCompose(SHOPLIKE, { file: 'c.yaml', projectName: 'p' });

test('learnt subnets and addresses are fixed where the file left them to Docker, kept where it did not', () => {
  const pinned = pinnedPlan(plan, {
    networks: [
      { name: 'p_back', subnet: '172.30.10.0/24' },
      { name: 'p_front', subnet: '172.19.0.0/16' },
    ],
    containers: [
      { name: 'p-api-1', addresses: { p_back: '172.30.10.10' } },
      { name: 'p-web-2', addresses: { p_front: '172.19.0.2', p_back: '172.30.10.2' } },
      { name: 'p-web-1', addresses: { p_front: '172.19.0.3', p_back: '172.30.10.3' } },
      { name: 'p-side-1', addresses: {} },
    ],
  });
  const front = pinned.networks.find((n) => n.key === 'front');
  assert.equal(front?.options?.subnet, '172.19.0.0/16');
  const web1 = pinned.containers.find((c) => c.options.name === 'p-web-1');
  // Both networks may route: the gateway is the first by name, "p_back".
  assert.equal(web1?.options.network, 'p_back');
  assert.equal(web1?.options.ip, '172.30.10.3');
  assert.deepEqual(web1?.connect, [{ network: 'p_front', endpoint: { aliases: ['web'], ip: '172.19.0.3' } }]);
  assert.equal(pinned.containers.find((c) => c.options.name === 'p-side-1')?.options.ip, undefined);
  // The real order: back before front, api, web-2, web-1, side.
  assert.deepEqual(
    pinned.steps.map((s) => (s.kind === 'network' ? s.network.name : s.container.options.name)),
    ['p_back', 'p_front', 'p-api-1', 'p-web-2', 'p-web-1', 'p-side-1'],
  );
  // The plan read from the file is left as it was.
  assert.equal(plan.networks.find((n) => n.key === 'front')?.options?.subnet, undefined);
  assert.equal(plan.containers.find((c) => c.options.name === 'p-web-1')?.options.ip, undefined);
});

test('a fixed address in the file wins over what was learnt', () => {
  const pinned = pinnedPlan(plan, {
    networks: [],
    containers: [{ name: 'p-api-1', addresses: { p_back: '172.30.10.99' } }],
  });
  assert.equal(pinned.containers.find((c) => c.options.name === 'p-api-1')?.options.ip, '172.30.10.10');
});

test('any learnt order: the same steps, networks before containers, unreported ones after in plan order', () => {
  const networks = plan.networks.map((n) => n.name);
  const containers = plan.containers.map((c) => c.options.name);
  const names = fc.shuffledSubarray([...networks, ...containers, 'stranger']);
  fc.assert(
    fc.property(names, fc.shuffledSubarray(networks), (seenContainers, seenNetworks) => {
      const pinned = pinnedPlan(plan, {
        networks: seenNetworks.map((name) => ({ name, subnet: '10.0.0.0/24' })),
        containers: seenContainers.map((name) => ({ name, addresses: {} })),
      });
      const order = pinned.steps.map((s) =>
        s.kind === 'network' ? s.network.name : s.container.options.name,
      );
      assert.deepEqual([...order].sort(), [...networks, ...containers].sort());
      assert.deepEqual(order.slice(0, networks.length).sort(), [...networks].sort());
      // Apart from the sidecar (it waits for its namespace's owner): reported first, then the rest.
      const side = 'p-side-1';
      const reported = seenContainers.filter((n) => containers.includes(n) && n !== side);
      const rest = containers.filter((n) => !reported.includes(n) && n !== side);
      const withoutSide = order.slice(networks.length).filter((n) => n !== side);
      assert.deepEqual(withoutSide, [...reported, ...rest]);
      assert.ok(order.indexOf(side) > order.indexOf('p-web-1'), order.join(' '));
    }),
  );
});

test('timestamps sort in time order whatever Go trimmed off the fraction', () => {
  assert.ok(timestampKey('2026-12-06T20:51:03.1Z') > timestampKey('2026-12-06T20:51:03.09Z'));
  assert.equal(timestampKey('2026-12-06T21:51:03+01:00'), timestampKey('2026-12-06T20:51:03Z'));
  assert.throws(() => timestampKey('yesterday'), /RFC 3339/);
  fc.assert(
    fc.property(fc.nat({ max: 999_999_999 }), fc.nat({ max: 999_999_999 }), (a, b) => {
      const text = (n: number) =>
        `2026-12-06T20:51:03.${String(n).padStart(9, '0').replace(/0+$/, '') || '0'}Z`;
      assert.equal(timestampKey(text(a)) < timestampKey(text(b)), a < b);
    }),
  );
});

test('the real rules decide the order of the containers they mention; the rest keep their place', () => {
  const learnt: LearntCompose = {
    networks: [],
    containers: [
      { name: 'p-web-2', addresses: { p_default: '172.19.0.3' } },
      { name: 'p-side-1', addresses: {} },
      { name: 'p-web-1', addresses: { p_default: '172.19.0.2' } },
      { name: 'p-dns-1', addresses: { p_default: '172.19.0.22' } },
    ],
  };
  const raw = [
    '-A PREROUTING -d 172.18.0.2/32 ! -i br-1 -j DROP',
    '-A PREROUTING -d 172.19.0.2/32 ! -i br-2 -j DROP',
    '-A PREROUTING -d 172.19.0.22/32 ! -i br-2 -j DROP',
    '-A PREROUTING -d 172.19.0.3/32 ! -i br-2 -j DROP',
  ].map((r) => r.slice('-A PREROUTING '.length));
  const nat = ['-A DOCKER ! -i br-2 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.19.0.22:53'];
  const ordered = orderedByRules(learnt, [nat, raw]);
  assert.deepEqual(
    ordered.containers.map((c) => c.name),
    ['p-web-1', 'p-side-1', 'p-dns-1', 'p-web-2'],
  );
  // No chain mentions two of them: the order stays.
  assert.deepEqual(orderedByRules(learnt, [nat]).containers, learnt.containers);
});

test("a container in another one's namespace starts after it, whatever the learnt order", () => {
  const pinned = pinnedPlan(plan, {
    networks: [],
    containers: [
      { name: 'p-side-1', addresses: {} },
      { name: 'p-api-1', addresses: {} },
      { name: 'p-web-1', addresses: {} },
      { name: 'p-web-2', addresses: {} },
    ],
  });
  assert.deepEqual(
    pinned.steps.flatMap((s) => (s.kind === 'container' ? [s.container.options.name] : [])),
    ['p-api-1', 'p-web-1', 'p-side-1', 'p-web-2'],
  );
});
