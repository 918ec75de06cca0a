import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isImageReference, parseImageReference } from './image-reference.ts';

test('the references users write for DinD images parse into name, tag and digest', () => {
  assert.deepEqual(parseImageReference('docker:29-dind'), { name: 'docker', tag: '29-dind' });
  assert.deepEqual(parseImageReference('registry.example:5000/team/dind:29.7.2'), {
    name: 'registry.example:5000/team/dind',
    tag: '29.7.2',
  });
  assert.deepEqual(parseImageReference('localhost/x'), { name: 'localhost/x' });
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.deepEqual(parseImageReference(`docker@${digest}`), { name: 'docker', digest });
  assert.deepEqual(parseImageReference(`nettwin/dind-28.5:16c7d75a1bf4@${digest}`), {
    name: 'nettwin/dind-28.5',
    tag: '16c7d75a1bf4',
    digest,
  });
});

test('what Docker refuses is refused: case in the path, shell text, empty parts, long tags', () => {
  for (const bad of [
    '',
    'Docker:29-dind',
    'docker:29 dind',
    'docker;rm -rf /',
    '$(id)',
    'docker:',
    ':29',
    'docker//dind',
    '/docker',
    'docker/',
    'docker:-x',
    `docker:${'t'.repeat(129)}`,
    'docker@sha256:abc',
    'a--',
    'a..b',
    `${'a'.repeat(256)}`,
  ]) {
    assert.equal(isImageReference(bad), false, JSON.stringify(bad));
  }
});

const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/).filter((s) => s.length <= 30);
const tag = fc.stringMatching(/^[\w][\w.-]{0,40}$/);
const domain = fc
  .tuple(fc.stringMatching(/^[a-z0-9]+(?:\.[a-z0-9]+)+$/), fc.option(fc.integer({ min: 1, max: 65535 })))
  .map(([host, port]) => (port === null ? host : `${host}:${port}`));

test('property: every reference built from the grammar parses back into its parts', () => {
  fc.assert(
    fc.property(
      fc.option(domain),
      fc.array(component, { minLength: 1, maxLength: 3 }),
      fc.option(tag),
      (d, path, t) => {
        const name = [...(d === null ? [] : [d]), ...path].join('/');
        fc.pre(name.length <= 255);
        const text = t === null ? name : `${name}:${t}`;
        assert.deepEqual(parseImageReference(text), { name, ...(t === null ? {} : { tag: t }) });
      },
    ),
  );
});

test('property: a reference never holds whitespace, quotes or shell metacharacters', () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.constantFrom(' ', '\n', "'", '"', ';', '$', '`', '|', '&', '\\'),
      (s, bad) => {
        const text = `docker${s}${bad}`;
        assert.equal(isImageReference(text), false);
      },
    ),
  );
  fc.assert(
    fc.property(fc.string(), (s) => {
      // Total: never throws, whatever it is given.
      parseImageReference(s);
    }),
  );
});
