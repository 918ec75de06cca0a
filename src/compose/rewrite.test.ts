import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { readCompose } from './plan.ts';
import { escapeInterpolation, rewrittenCompose, rewrittenComposeText } from './rewrite.ts';

const IMAGE = 'nettwin/workload:abc';
/** A command with what compose would interpolate: `$1`, `${X}`, `$$`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation syntax, on purpose
const command = (service: string): string[] => ['sh', '-c', 'printf %s "$1" ${X} $$', 'sh', service];
const workload = { image: IMAGE, command: (c: { service: string }) => command(c.service) };

const read = (text: string) => readCompose(text, { file: 'x/compose.yaml', projectName: 'p' });

/** What compose's interpolation makes of a value written with `$$` for each `$`. */
function interpolated(value: unknown): unknown {
  if (typeof value === 'string') {
    assert.ok(!/\$(?!\$)/.test(value.replaceAll('$$', '')), `a lone $ in ${value}`);
    return value.replaceAll('$$', '$');
  }
  if (Array.isArray(value)) return value.map(interpolated);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolated(v)]));
  return value;
}

const SERVICE_NAMES = ['web', 'api', 'worker'] as const;
const NETWORK_KEYS = ['front', 'back', 'db'] as const;

/** A valid compose document over a few services and networks (every networking key nettwin reads). */
const composeDocument = fc
  .record({
    networks: fc.uniqueArray(fc.constantFrom(...NETWORK_KEYS), { minLength: 0, maxLength: 3 }),
    services: fc.uniqueArray(fc.constantFrom(...SERVICE_NAMES), { minLength: 1, maxLength: 3 }),
    seed: fc.array(fc.nat({ max: 1000 }), { minLength: 40, maxLength: 40 }),
  })
  .map(({ networks, services, seed }) => {
    let i = 0;
    const next = (n: number): number => (seed[i++ % seed.length] as number) % n;
    const declared: Record<string, unknown> = {};
    networks.forEach((key, k) => {
      const n: Record<string, unknown> = {};
      if (next(4) === 0) {
        declared[key] = { external: true, name: `corp-${key}` };
        return;
      }
      if (next(2) === 0) n.internal = true;
      if (next(2) === 0) n.ipam = { config: [{ subnet: `10.${k}.${next(200)}.0/24` }] };
      if (next(3) === 0) n.name = `custom-${key}`;
      if (next(3) === 0) n.driver_opts = { 'com.docker.network.bridge.enable_icc': 'false' };
      declared[key] = n;
    });
    const doc: Record<string, unknown> = {};
    const svc: Record<string, unknown> = {};
    services.forEach((name, s) => {
      const out: Record<string, unknown> = { image: 'nginx', command: ['serve', '$$HOME'] };
      const mode = next(6);
      if (mode === 0) out.network_mode = 'host';
      else if (mode === 1 && s > 0) out.network_mode = `service:${services[0]}`;
      else if (networks.length > 0 && next(3) > 0) {
        const joined: Record<string, unknown> = {};
        for (const key of networks) {
          if (next(2) === 0) continue;
          const endpoint: Record<string, unknown> = {};
          if (next(2) === 0) endpoint.aliases = [`${name}-alias`, ...(next(2) ? ['shared'] : [])];
          if (next(3) === 0) endpoint.ipv4_address = `10.9.${s}.${next(200) + 2}`;
          if (next(4) === 0) endpoint.priority = next(10);
          joined[key] = endpoint;
        }
        if (Object.keys(joined).length > 0) out.networks = joined;
      }
      if (mode !== 1 || s === 0) {
        const ports: unknown[] = [];
        if (next(2) === 0) ports.push(`${8000 + s}:80`);
        if (next(2) === 0) ports.push({ target: 53, published: String(5300 + s), protocol: 'udp' });
        if (next(3) === 0) ports.push({ target: 9090, published: '9090', host_ip: '127.0.0.1' });
        if (next(3) === 0) ports.push(`127.0.0.1:${7000 + s * 10}-${7001 + s * 10}:${7000 + s}-${7001 + s}`);
        if (ports.length > 0) out.ports = ports;
        if (next(2) === 0) out.expose = ['81', '5000/udp'];
      }
      if (next(3) === 0) out.deploy = { replicas: next(3) + 1 };
      else if (next(4) === 0) out.container_name = `the-${name}`;
      if (s > 0 && next(2) === 0) out.depends_on = [services[0]];
      svc[name] = out;
    });
    doc.services = svc;
    if (Object.keys(declared).length > 0) doc.networks = declared;
    return stringify(doc);
  });

test('any valid compose file: the rewritten file reads back to the same networks, containers and order', () => {
  fc.assert(
    fc.property(composeDocument, (text) => {
      const plan = read(text);
      const rewritten = rewrittenComposeText(plan, workload);
      const again = read(rewritten);
      assert.deepEqual(again.networks, plan.networks);
      assert.deepEqual(again.containers, plan.containers);
      assert.deepEqual(again.steps, plan.steps);
    }),
    { numRuns: 300 },
  );
});

test('any valid compose file: every service runs the workload image and command, nothing pulled', () => {
  fc.assert(
    fc.property(composeDocument, (text) => {
      const plan = read(text);
      const doc = interpolated(parse(rewrittenComposeText(plan, workload))) as {
        services: Record<string, Record<string, unknown>>;
      };
      assert.deepEqual(Object.keys(doc.services).sort(), plan.services.map((s) => s.name).sort());
      for (const [name, s] of Object.entries(doc.services)) {
        assert.equal(s.image, IMAGE);
        assert.equal(s.pull_policy, 'never');
        assert.deepEqual(s.command, command(name));
        assert.equal(s.build, undefined);
      }
    }),
    { numRuns: 200 },
  );
});

test('the shop: ports, aliases, the fixed address and subnet as the file gave them', () => {
  const plan = readCompose(readFileSync('features/compose/shop/compose.yaml', 'utf8'), {
    file: 'shop/compose.yaml',
    directoryName: 'shop',
  });
  const doc = rewrittenCompose(plan, workload) as {
    services: Record<string, Record<string, unknown>>;
    networks: Record<string, unknown>;
  };
  assert.deepEqual(doc.networks, {
    front: { name: 'shop_front', driver: 'bridge' },
    back: {
      name: 'shop_back',
      driver: 'bridge',
      internal: true,
      ipam: { config: [{ subnet: '172.30.10.0/24' }] },
    },
  });
  assert.deepEqual(doc.services.api?.networks, {
    back: { aliases: ['orders'], ipv4_address: '172.30.10.10' },
  });
  assert.deepEqual(doc.services.web?.ports, [
    { target: 80, published: '8080', protocol: 'tcp' },
    { target: 9090, published: '9090', host_ip: '127.0.0.1', protocol: 'tcp' },
  ]);
  assert.deepEqual(doc.services.web?.depends_on, ['api']);
  assert.deepEqual(doc.services.api?.expose, ['80/tcp']);
  // The original's build, healthcheck, environment and command are gone.
  assert.deepEqual(Object.keys(doc.services.api ?? {}).sort(), [
    'command',
    'expose',
    'image',
    'networks',
    'pull_policy',
  ]);
});

test('escapeInterpolation doubles every $ in values, keys untouched', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation syntax, on purpose
  assert.deepEqual(escapeInterpolation({ a$: ['$1', { b: '${X}' }], n: 3 }), {
    a$: ['$$1', { b: '$${X}' }],
    n: 3,
  });
  fc.assert(
    fc.property(fc.string(), (s) => {
      assert.equal(interpolated(escapeInterpolation(s)), s);
    }),
  );
});
