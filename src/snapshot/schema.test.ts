/**
 * Reading snapshot files: the recorded fixture round-trips; foreign, corrupt and fuzzed
 * files give SnapshotError naming the file and a field, never anything else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type HostPlan, interfacePlan, neighbourPlan } from '../dind/standalone-host.ts';
import { hostileText } from '../netfilter/hostile-text.test-helper.ts';
import { SnapshotError } from './errors.ts';
import { parseSnapshotJson, SNAPSHOT_VERSION } from './schema.ts';
import { snapshotToHost } from './to-host.ts';
import { snapshotReplay } from './to-standalone.ts';

const FILE = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');
const text = readFileSync(FILE, 'utf8');
const fixture = JSON.parse(text) as Record<string, unknown>;

function errorOf(fn: () => unknown): SnapshotError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  assert.fail('expected a SnapshotError');
}

/** Every path to a value inside a JSON value: ["networks", 1, "ipam", 0, "subnet"] … */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => void out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = value;
  return copy;
}

const allPaths = paths(fixture);

describe('snapshot files', () => {
  it('the recorded fixture reads back equal to itself (JSON → Snapshot → JSON)', () => {
    const snapshot = parseSnapshotJson(text, FILE);
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), fixture);
    // Recorded before IPv6 was: version 1 reads as it was written.
    assert.equal(snapshot.version, 1);
    assert.ok(SNAPSHOT_VERSION > snapshot.version);
  });

  it('a foreign JSON file is told apart by its format field, naming the file', () => {
    const e = errorOf(() => parseSnapshotJson('{"name":"nettwin","version":"0.1.0"}', 'package.json'));
    assert.equal(e.field, 'format');
    assert.match(e.message, /^snapshot package\.json: field format: .*not a nettwin snapshot/);
  });

  it('text that is not JSON, and JSON that is not an object', () => {
    assert.equal(errorOf(() => parseSnapshotJson('*filter\n:INPUT ACCEPT', 'dump.txt')).field, '(top level)');
    assert.match(errorOf(() => parseSnapshotJson('[1,2]', 'a.json')).message, /expected a JSON object/);
    assert.match(errorOf(() => parseSnapshotJson(text.slice(0, 500), 'cut.json')).message, /not JSON/);
  });

  it('a newer format version asks for a newer nettwin', () => {
    const e = errorOf(() => parseSnapshotJson(JSON.stringify({ ...fixture, version: 99 }), 'new.json'));
    assert.equal(e.field, 'version');
    assert.match(e.message, /upgrade nettwin/);
  });

  it('a bad field is named by its path', () => {
    const bad = setAt(fixture, ['containers', 1, 'endpoints', 0, 'address'], '172.19.0.300');
    const e = errorOf(() => parseSnapshotJson(JSON.stringify(bad), 'prod.json'));
    assert.equal(e.field, 'containers[1].endpoints[0].address');
    assert.match(e.message, /^snapshot prod\.json: field containers\[1\]\.endpoints\[0\]\.address: .*IPv4/);
  });

  it('a broken rule in iptables.save is named with its line', () => {
    const save = (fixture.iptables as { save: string }).save.replace(
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -j',
    );
    const snapshot = parseSnapshotJson(
      JSON.stringify({ ...fixture, iptables: { ...(fixture.iptables as object), save } }),
      'prod.json',
    );
    const e = errorOf(() => snapshotToHost(snapshot, 'prod.json'));
    assert.equal(e.field, 'iptables.save');
    assert.match(e.message, /line \d+/);
  });

  it('property: any value at any field gives a snapshot or a SnapshotError with a field, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const json = JSON.stringify(setAt(fixture, path, value));
        try {
          snapshotToHost(parseSnapshotJson(json, 'fuzz.json'), 'fuzz.json');
        } catch (error) {
          assert.ok(error instanceof SnapshotError, `not a SnapshotError: ${(error as Error).stack}`);
          assert.ok(error.field.length > 0);
          assert.match(error.message, /^snapshot fuzz\.json: field /);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('property: cut or corrupted text gives a SnapshotError, never a crash', () => {
    fc.assert(
      fc.property(fc.nat(text.length), fc.string({ maxLength: 4 }), (at, junk) => {
        const corrupt = text.slice(0, at) + junk + text.slice(at + junk.length);
        try {
          snapshotToHost(parseSnapshotJson(corrupt, 'c.json'), 'c.json');
        } catch (error) {
          assert.ok(error instanceof SnapshotError, `not a SnapshotError: ${(error as Error).stack}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: deleting any field gives a snapshot or a SnapshotError naming a field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths.filter((p) => p.length > 0)), (path) => {
        const copy = structuredClone(fixture) as Record<string | number, unknown>;
        let at = copy;
        for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
        const last = path[path.length - 1] as string | number;
        if (Array.isArray(at)) at.splice(last as number, 1);
        else delete at[last];
        try {
          snapshotToHost(parseSnapshotJson(JSON.stringify(copy), 'd.json'), 'd.json');
        } catch (error) {
          assert.ok(error instanceof SnapshotError, `not a SnapshotError: ${(error as Error).stack}`);
        }
      }),
    );
  });
});

/** A shell metacharacter other than the space inside a `key=value` sysctl word. */
const META = /[;&|$`()<>*?[\]{}!#~"'\\\n\t]/;

/** Every string leaf of the fixture but the dumps (those reach iptables-restore on its stdin). */
const stringPaths = allPaths.filter((p) => {
  let at: unknown = fixture;
  for (const key of p) at = (at as Record<string | number, unknown>)[key];
  return typeof at === 'string' && p[0] !== 'iptables';
});

describe('snapshot fields that reach commands on a real host', () => {
  it('a sysctl value with a command in it is refused, naming the field', () => {
    for (const value of ['1; touch /tmp/x', '0 $(id)', '1\nreboot']) {
      const bad = setAt(fixture, ['sysctls', 'net.ipv4.ip_forward'], value);
      const e = errorOf(() => parseSnapshotJson(JSON.stringify(bad), 'evil.json'));
      assert.equal(e.field, 'sysctls["net.ipv4.ip_forward"]');
      assert.match(e.message, /sysctl value/);
    }
  });

  it('a sysctl key outside net.* or with a command in it is refused', () => {
    for (const key of ['kernel.core_pattern', 'net.ipv4.conf.lo;id.route_localnet']) {
      const bad = { ...fixture, sysctls: { [key]: '1' } };
      assert.match(errorOf(() => parseSnapshotJson(JSON.stringify(bad), 'evil.json')).message, /sysctl key/);
    }
  });

  it('a loopback (or any) interface name with a command in it is refused, naming the field', () => {
    const bad = setAt(fixture, ['interfaces', 0, 'name'], 'lo;id>&2');
    const e = errorOf(() => parseSnapshotJson(JSON.stringify(bad), 'evil.json'));
    assert.equal(e.field, 'interfaces[0].name');
    assert.match(e.message, /interface name/);
  });

  it('two containers of one name are refused, naming the second and the first', () => {
    const bad = setAt(fixture, ['containers', 2, 'name'], 'db');
    const e = errorOf(() => parseSnapshotJson(JSON.stringify(bad), 'dup.json'));
    assert.equal(e.field, 'containers[2].name');
    assert.match(e.message, /"db" is the name of containers\[0\] too/);
  });

  it('property: any text in any field is refused, or no command built from the file holds it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...stringPaths), hostileText, hostileText, (path, value, key) => {
        const changed = setAt(fixture, path, value) as Record<string, unknown>;
        const json = JSON.stringify({
          ...changed,
          sysctls: { ...(changed.sysctls as object), [`net.ipv4.conf.${key}.route_localnet`]: '1' },
        });
        let plans: HostPlan[];
        try {
          const { spec } = snapshotReplay(json, 'fuzz.json');
          plans = [interfacePlan(spec), ...spec.neighbours.map((n) => neighbourPlan(spec, n.address))];
        } catch (error) {
          assert.ok(error instanceof SnapshotError, `not a SnapshotError: ${(error as Error).stack}`);
          return;
        }
        for (const plan of plans) {
          for (const step of plan.steps) {
            assert.ok(['ip', 'sysctl'].includes(step.argv[0] as string), step.argv.join(' '));
            for (const word of step.argv) {
              assert.doesNotMatch(word, META, `shell text in ${JSON.stringify(step.argv)}`);
              if (META.test(value)) assert.ok(!word.includes(value));
            }
          }
        }
      }),
      { numRuns: 800 },
    );
  });
});
