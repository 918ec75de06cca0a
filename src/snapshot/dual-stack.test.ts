/**
 * A dual-stack snapshot (format version 2): fixtures/snapshots/dual-stack-28.5.raw.json,
 * built from the real Docker 28.5 ip6tables-save of fixtures/ip6 (see the README there),
 * assembled, validated, turned into the twin's host, redacted and replayed. Version 1
 * files keep reading as before; IPv6 fields are refused in them, and every IPv6 field is
 * refused in any spelling but the kernel's, naming its path.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { interfacePlan } from '../dind/standalone-host.ts';
import { iptablesStateOf } from '../netfilter/firewall-state.ts';
import { hostileText } from '../netfilter/hostile-text.test-helper.ts';
import { assembleSnapshot, type RawHostOutputs } from './assemble.ts';
import { collectRaw, type Runner } from './collect.ts';
import { SnapshotError } from './errors.ts';
import { SnapshotNames, UnknownNameError } from './names.ts';
import { redactSnapshot } from './redact.ts';
import { fieldPath, parseSnapshotJson, SNAPSHOT_VERSION } from './schema.ts';
import { snapshotToHost } from './to-host.ts';
import { snapshotReplay } from './to-standalone.ts';

const ROOT = join(import.meta.dirname, '../..');
const DIR = join(ROOT, 'fixtures/snapshots');
const FILE = join(DIR, 'dual-stack-28.5.json');
const text = readFileSync(FILE, 'utf8');
const fixture = JSON.parse(text) as Record<string, unknown>;
const raw = JSON.parse(readFileSync(join(DIR, 'dual-stack-28.5.raw.json'), 'utf8')) as RawHostOutputs;
const v1Text = readFileSync(join(DIR, 'two-networks-20.10.json'), 'utf8');

function errorOf(fn: () => unknown): SnapshotError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  assert.fail('expected a SnapshotError');
}

function edited(path: (string | number)[], value: unknown, base: unknown = fixture): string {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return JSON.stringify(copy);
}

describe('a dual-stack snapshot (version 2)', () => {
  it('the raw outputs assemble to the checked-in file, which reads back equal to itself', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(assembleSnapshot(raw))), fixture);
    assert.deepEqual(JSON.parse(JSON.stringify(parseSnapshotJson(text, FILE))), fixture);
    assert.equal(fixture.version, SNAPSHOT_VERSION);
    // Provenance: the ip6tables half is the real Docker 28.5 dump, unchanged.
    assert.equal(
      raw.ip6tablesSave,
      readFileSync(join(ROOT, 'fixtures/ip6/docker-28.5-bridge1.ip6tables'), 'utf8'),
    );
  });

  it('records ip6tables, inet6 addresses, IPv6 routes, sysctls and the containers global IPv6 addresses', () => {
    const s = parseSnapshotJson(text, FILE);
    assert.ok(s.ip6tables?.save?.includes('[fd30::2]:80'));
    assert.deepEqual(s.interfaces.find((i) => i.name === 'bridge1')?.addresses, [
      { address: '192.0.2.1', prefix: 24 },
      { address: 'fd30::1', prefix: 64 },
      { address: 'fe80::1', prefix: 64 },
    ]);
    assert.deepEqual(s.routes6?.at(-1), { destination: 'default', dev: 'eth0', via: 'fd70::1' });
    assert.equal(s.sysctls['net.ipv6.conf.all.forwarding'], '1');
    assert.equal(s.sysctls['net.bridge.bridge-nf-call-ip6tables'], '1');
    assert.deepEqual(s.containers[0]?.endpoints[0], {
      network: 'bridge1',
      address: '192.0.2.2',
      prefix: 24,
      gateway: '192.0.2.1',
      address6: 'fd30::2',
      prefix6: 64,
      gateway6: 'fd30::1',
    });
    const bridge1 = s.networks.find((n) => n.name === 'bridge1');
    assert.equal(bridge1?.enableIPv6, true);
    assert.deepEqual(bridge1?.ipam[1], { subnet: 'fd30::/64', gateway: 'fd30::1' });
    assert.deepEqual(s.listeners[1], {
      protocol: 'tcp',
      address: '::',
      port: 8080,
      owner: 'docker-proxy',
      forwardTo: { address: 'fd30::2', port: 80 },
    });
    const all = JSON.stringify(s);
    for (const secret of ['hunter2', 'SECRET_TOKEN', 'payments', 'httpd'])
      assert.ok(!all.includes(secret), secret);
  });

  it('a host without ip6tables is recorded as such, with the reason', async () => {
    const { ip6tablesSave: _, ...noIp6 } = raw;
    const s = assembleSnapshot({ ...noIp6, ip6tablesAbsent: 'ip6tables-save is not installed' });
    assert.deepEqual(s.ip6tables, { absent: 'ip6tables-save is not installed' });
    assert.equal(
      iptablesStateOf(snapshotToHost(s, 'x.json').host.firewall, 'iptables-nft', 'ipv6'),
      undefined,
    );
    const answers =
      (ip6: { exitCode: number; stderr: string }): Runner =>
      async (argv) => {
        if (argv[0] === 'ip6tables-save') return { exitCode: ip6.exitCode, stdout: '', stderr: ip6.stderr };
        if (argv.join(' ') === 'ip -j -6 route show') return { exitCode: 2, stdout: '', stderr: 'no IPv6\n' };
        return {
          exitCode: 0,
          stdout: argv[0] === 'iptables' ? 'iptables v1.8.9 (nf_tables)\n' : '',
          stderr: '',
        };
      };
    const missing = await collectRaw(answers({ exitCode: 127, stderr: '' }));
    assert.equal(missing.ip6tablesAbsent, 'ip6tables-save is not installed');
    assert.equal(missing.ip6RouteJson, '[]', 'a kernel without IPv6 routes has none');
    const failed = await collectRaw(
      answers({ exitCode: 1, stderr: "ip6tables-save v1.8.9: can't initialize ip6tables table `filter'\n" }),
    );
    assert.match(failed.ip6tablesAbsent ?? '', /^ip6tables-save failed: .*can't initialize/);
    assert.equal(failed.ip6tablesSave, undefined);
  });

  it('what ip prints that the twin does not model is left out and said', () => {
    const routes = JSON.parse(raw.ip6RouteJson ?? '[]');
    routes.push({ type: 'blackhole', dst: 'fd00:bad::/32', dev: 'lo' });
    const said: string[] = [];
    const s = assembleSnapshot({ ...raw, ip6RouteJson: JSON.stringify(routes) }, (w) => said.push(w));
    assert.equal(s.routes6?.length, (fixture.routes6 as unknown[]).length);
    assert.match(said.join('\n'), /left out: route "fd00:bad::\/32": type "blackhole"/);
  });
});

describe('reading version 1 and version 2 files', () => {
  it('a version 1 file (IPv4 only) reads as before', () => {
    const s = parseSnapshotJson(v1Text, 'v1.json');
    assert.equal(s.version, 1);
    assert.equal(s.ip6tables, undefined);
    assert.equal(s.routes6, undefined);
  });

  it('IPv6 fields in a version 1 file are refused, naming the field and the fix', () => {
    const v1 = JSON.parse(v1Text);
    for (const [path, value, field] of [
      [['ip6tables'], { save: '' }, 'ip6tables'],
      [['routes6'], [], 'routes6'],
      [
        ['interfaces', 1, 'addresses', 1],
        { address: 'fd70::6', prefix: 64 },
        'interfaces[1].addresses[1].address',
      ],
      [['containers', 0, 'endpoints', 0, 'address6'], 'fd30::2', 'containers[0].endpoints[0].address6'],
    ] as const) {
      const e = errorOf(() => parseSnapshotJson(edited([...path], value, v1), 'v1.json'));
      assert.equal(e.field, field);
      assert.match(e.message, /IPv6 fields need "version": 2/);
    }
  });

  it('an IPv6 field in another spelling or out of range is refused with its path and the form expected', () => {
    const cases: Array<[(string | number)[], unknown, string, RegExp]> = [
      [
        ['interfaces', 1, 'addresses', 1, 'address'],
        'FD70::6',
        'interfaces[1].addresses[1].address',
        /as `ip` prints it/,
      ],
      [['interfaces', 1, 'addresses', 1, 'prefix'], 129, 'interfaces[1].addresses[1].prefix', /<=128/],
      [
        ['interfaces', 1, 'addresses', 0, 'prefix'],
        64,
        'interfaces[1].addresses[0].prefix',
        /IPv4 prefix is 0-32/,
      ],
      [['routes6', 0, 'destination'], 'fd30::1/64', 'routes6[0].destination', /./],
      [['routes6', 6, 'via'], 'fd70::1; reboot', 'routes6[6].via', /IPv6 address/],
      [['routes6', 0, 'dev'], 'lo;id>&2', 'routes6[0].dev', /interface name/],
      [
        ['containers', 0, 'endpoints', 0, 'address6'],
        'fd30:0::2',
        'containers[0].endpoints[0].address6',
        /fd30::2/,
      ],
      [['containers', 0, 'endpoints', 0, 'prefix6'], 200, 'containers[0].endpoints[0].prefix6', /./],
      [['ip6tables'], { save: 'x', absent: 'y' }, 'ip6tables', /./],
      [['listeners', 1, 'address'], '[::]', 'listeners[1].address', /./],
    ];
    for (const [path, value, field, message] of cases) {
      const e = errorOf(() => parseSnapshotJson(edited(path, value), 'prod.json'));
      assert.equal(e.field, field, `${path.join('.')}: ${e.message}`);
      assert.match(e.detail, message);
    }
  });

  it('a broken ip6tables dump is named by field and line', () => {
    const s = parseSnapshotJson(
      edited(['ip6tables'], { save: '*filter\n-A FORWARD -j NOWHERE\nCOMMIT\n' }),
      'p.json',
    );
    const e = errorOf(() => snapshotToHost(s, 'p.json'));
    assert.equal(e.field, 'ip6tables.save');
    assert.match(e.message, /line \d+/);
  });

  it('property: any text in an IPv6 field is refused, or read in the one printed form', () => {
    const fields: (string | number)[][] = [
      ['interfaces', 3, 'addresses', 1, 'address'],
      ['routes6', 6, 'via'],
      ['routes6', 0, 'destination'],
      ['containers', 1, 'endpoints', 0, 'address6'],
      ['containers', 1, 'endpoints', 0, 'gateway6'],
      ['listeners', 1, 'forwardTo', 'address'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileText, (path, value) => {
        try {
          const s = parseSnapshotJson(edited(path, value), 'fuzz.json');
          assert.ok(JSON.stringify(s).includes(JSON.stringify(value)), 'read as written');
          assert.ok(!/[;|&$`'"\s<>()\\*]/.test(value), `accepted ${JSON.stringify(value)}`);
        } catch (error) {
          assert.ok(error instanceof SnapshotError, String(error));
          assert.equal(error.field, fieldPath(path), error.message);
        }
      }),
    );
  });
});

describe('the dual-stack snapshot as a host', () => {
  const snapshot = parseSnapshotJson(text, FILE);

  it('the twin gets the ip6tables rules, both routing tables and a neighbour per address', () => {
    const { host, endpoints, warnings } = snapshotToHost(snapshot, FILE);
    assert.deepEqual(warnings, []);
    assert.ok(
      iptablesStateOf(host.firewall, 'iptables-nft', 'ipv6')?.ruleset.tables.some((t) => t.name === 'raw'),
    );
    assert.ok(host.routes.some((r) => r.destination === '::/0' && r.via === 'fd70::1'));
    assert.ok(host.routes.some((r) => r.destination === 'default' && r.via === '192.168.70.1'));
    assert.deepEqual(
      host.neighbours.map((n) => [n.name, n.address, n.dev]),
      [
        ['c1', '192.0.2.2', 'bridge1'],
        ['c1', 'fd30::2', 'bridge1'],
        ['c2', '192.0.2.3', 'bridge1'],
        ['c2', 'fd30::3', 'bridge1'],
      ],
    );
    assert.deepEqual(
      endpoints.map((e) => e.family),
      ['ipv4', 'ipv6', 'ipv4', 'ipv6'],
    );
  });

  it('Docker 25+: a container on internal networks only reaches its subnets of both families', () => {
    const internal = structuredClone(snapshot);
    for (const n of internal.networks) if (n.name === 'bridge1') n.internal = true;
    const c1 = snapshotToHost(internal, FILE).host.neighbours.filter((n) => n.name === 'c1');
    assert.deepEqual(
      c1.map((n) => n.reaches),
      [
        ['192.0.2.0/24', 'fd30::/64'],
        ['192.0.2.0/24', 'fd30::/64'],
      ],
    );
  });

  it('redact replaces comments in the ip6tables dump too', () => {
    const withComment = parseSnapshotJson(
      edited(['ip6tables'], {
        save: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s fd99::/64 -m comment --comment "vpn of acme" -j ACCEPT\nCOMMIT\n',
      }),
      FILE,
    );
    const { snapshot: redacted } = redactSnapshot(withComment);
    const save = redacted.ip6tables?.save ?? '';
    assert.ok(!save.includes('acme'));
    assert.match(save, /--comment comment-1/);
  });

  it('a replay builds its IPv4 half and says the IPv6 half is not built', () => {
    const { spec, containers, warnings } = snapshotReplay(text, FILE);
    assert.match(warnings.join('\n'), /IPv4 half only/);
    assert.ok(spec.interfaces.every((i) => i.addresses.every((a) => !a.address.includes(':'))));
    assert.ok(spec.routes.every((r) => !r.destination.includes(':')));
    assert.deepEqual(
      containers.map((c) => [c.name, c.address]),
      [
        ['c1', '192.0.2.2'],
        ['c2', '192.0.2.3'],
      ],
    );
    // What reaches the real host is all of the kernel's form.
    assert.ok(interfacePlan(spec).steps.length > 0);
    assert.equal(snapshotReplay(v1Text, 'v1.json').warnings.length, 0);
  });
});

describe('container names of a dual-stack snapshot', () => {
  const snapshot = parseSnapshotJson(text, FILE);
  const names = new SnapshotNames(snapshot, snapshotToHost(snapshot, FILE).endpoints);

  it('a name means its address of the family asked for; addresses pass as they are', () => {
    assert.equal(names.resolveEndpoint('c1', '--from', 'ipv6'), 'fd30::2');
    assert.equal(names.resolveEndpoint('c1:80', '--to', 'ipv6'), '[fd30::2]:80');
    assert.equal(names.resolveEndpoint('c1:80', '--to'), '192.0.2.2:80');
    assert.equal(names.resolveEndpoint('[fd70::6]:8080', '--to', 'ipv4'), '[fd70::6]:8080');
    assert.deepEqual(names.familiesOf('c2'), ['ipv4', 'ipv6']);
    assert.equal(
      names.text('icmpv6 fd30::2 > fd30::3 via fd30::/64'),
      'icmpv6 fd30::2 (c1) > fd30::3 (c2) via fd30::/64',
    );
  });

  it('property: any text is a known container, passed through as an address form, or refused', () => {
    const known = new Set(['192.0.2.2', '192.0.2.3', 'fd30::2', 'fd30::3']);
    fc.assert(
      fc.property(
        fc.oneof(hostileText, fc.constantFrom('c1', 'c2', 'c1:80', 'c3', 'fd30::2', '[fd30::2]:80')),
        fc.constantFrom('ipv4' as const, 'ipv6' as const),
        (input, family) => {
          try {
            const out = names.resolveEndpoint(input, '--to', family);
            const bracketed = /^\[(.*)\](?::\d+)?$/.exec(out)?.[1];
            const bare = bracketed ?? (out.split(':').length > 2 ? out : out.replace(/:\d+$/, ''));
            assert.ok(out === input || known.has(bare), `${input} → ${out}`);
          } catch (error) {
            assert.ok(error instanceof UnknownNameError, String(error));
            assert.match(error.message, /^--to /);
          }
        },
      ),
    );
  });
});
