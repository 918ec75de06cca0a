import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { canonicalAddress } from '../netfilter/address/index.ts';
import { ComposeError, isValidProjectName, normalizeProjectName, readCompose } from './index.ts';

const FIXTURE = readFileSync('features/compose/shop/compose.yaml', 'utf8');

/** Either a plan or a ComposeError that names the file and a line of it: never another throw. */
function readsOrRefusesClearly(text: string): void {
  try {
    readCompose(text, { file: 'x/compose.yaml', projectName: 'p' });
  } catch (error) {
    if (!(error instanceof ComposeError)) throw error;
    const lines = text.split(/\r\n|\r|\n/).length;
    assert.ok(
      error.line >= 1 && error.line <= Math.max(lines, 1),
      `line ${error.line} of ${lines}: ${error.message}`,
    );
    assert.ok(error.message.startsWith(`x/compose.yaml:${error.line}: `), error.message);
  }
}

test('any text: a plan or a ComposeError naming file and line', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), readsOrRefusesClearly), {
    numRuns: 300,
  });
});

test('any YAML value under the compose keys: a plan or a ComposeError', () => {
  const value = fc.anything({ maxDepth: 3, withNullPrototype: false, withObjectString: false });
  const key = fc.constantFrom('services', 'networks', 'name', 'x-any', 'volumes', 'include', 'bogus');
  const service = fc.dictionary(
    fc.constantFrom(
      'ports',
      'expose',
      'networks',
      'network_mode',
      'depends_on',
      'deploy',
      'scale',
      'profiles',
      'container_name',
      'image',
      'dns',
    ),
    value,
  );
  const doc = fc.oneof(
    fc.dictionary(key, value),
    fc.record({ services: fc.dictionary(fc.constantFrom('a', 'b', 'web'), service) }),
  );
  fc.assert(
    fc.property(doc, (d) => {
      let text: string;
      try {
        text = stringify(d);
      } catch {
        return; // not representable as YAML: nothing to read
      }
      readsOrRefusesClearly(text);
    }),
    { numRuns: 300 },
  );
});

test('the shop fixture with a character changed, inserted or removed: a plan or a ComposeError', () => {
  const edit = fc.record({
    at: fc.nat({ max: FIXTURE.length }),
    cut: fc.nat({ max: 3 }),
    insert: fc.string({
      maxLength: 3,
      unit: fc.constantFrom(' ', '\n', ':', '-', '[', '{', '"', '&', '*', '<', 'a', '1', '$'),
    }),
  });
  fc.assert(
    fc.property(edit, ({ at, cut, insert }) => {
      readsOrRefusesClearly(FIXTURE.slice(0, at) + insert + FIXTURE.slice(at + cut));
    }),
    { numRuns: 300 },
  );
});

test('normalised project names are valid or empty, and normalising twice changes nothing', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      const n = normalizeProjectName(s);
      assert.ok(n === '' || isValidProjectName(n), JSON.stringify(n));
      assert.equal(normalizeProjectName(n), n);
    }),
  );
});

test('a valid project name is its own normal form', () => {
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
  fc.assert(fc.property(name, (n) => assert.equal(normalizeProjectName(n), n)));
});

test('short port syntax: what is written is what is published', () => {
  const mapping = fc.record({
    hostIp: fc.option(
      fc.oneof(
        fc.ipV4(),
        fc.ipV6().map((a) => canonicalAddress(a, 'ipv6')),
      ),
      {
        nil: undefined,
      },
    ),
    hostPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    containerPort: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  });
  fc.assert(
    fc.property(mapping, (m) => {
      const host =
        m.hostIp !== undefined
          ? `${m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp}:${m.hostPort ?? ''}:`
          : m.hostPort !== undefined
            ? `${m.hostPort}:`
            : '';
      const text = `services:\n  a:\n    ports: ["${host}${m.containerPort}/${m.protocol}"]\n`;
      const plan = readCompose(text, { file: 'f', projectName: 'p' });
      const expected = {
        ...(m.hostIp !== undefined ? { hostIp: m.hostIp } : {}),
        containerPort: m.containerPort,
        ...(m.hostPort !== undefined ? { hostPort: m.hostPort } : {}),
        protocol: m.protocol,
      };
      assert.deepEqual(plan.containers[0]?.options.publish, [expected]);
    }),
  );
});
