import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDockerdVersion, profileOfDockerd } from './dockerd-version.ts';

test("what our daemons and Docker's own images print maps to the model's profiles", () => {
  const debian = parseDockerdVersion('Docker version 28.5.2+dfsg4, build 89c5e8f\n');
  assert.deepEqual(debian, { engine: '28.5.2+dfsg4', major: 28, minor: 5 });
  assert.equal(profileOfDockerd(debian as NonNullable<typeof debian>), '28.5');
  const bookworm = parseDockerdVersion('Docker version 20.10.24+dfsg1, build 5d6db84');
  assert.equal(profileOfDockerd(bookworm as NonNullable<typeof bookworm>), '20.10');
  const upstream = parseDockerdVersion('Docker version 29.7.2, build 4b6e5c2');
  assert.deepEqual(upstream, { engine: '29.7.2', major: 29, minor: 7 });
  assert.equal(profileOfDockerd(upstream as NonNullable<typeof upstream>), '29.7');
});

test('a version the model has no profile for maps to none; noise is no version', () => {
  assert.equal(profileOfDockerd({ engine: '24.0.7', major: 24, minor: 0 }), undefined);
  for (const text of ['', 'sh: dockerd: not found', 'Docker version , build x', 'Docker version 28.5.2']) {
    assert.equal(parseDockerdVersion(text), undefined, text);
  }
});

test('property: any printed major.minor.patch[suffix] reads back as printed', () => {
  fc.assert(
    fc.property(
      fc.nat(999),
      fc.nat(99),
      fc.nat(99),
      fc.option(fc.stringMatching(/^\+dfsg[0-9]{1,2}$/)),
      fc.stringMatching(/^[0-9a-f]{7}$/),
      (major, minor, patch, suffix, build) => {
        const engine = `${major}.${minor}.${patch}${suffix ?? ''}`;
        const parsed = parseDockerdVersion(`Docker version ${engine}, build ${build}\n`);
        assert.deepEqual(parsed, { engine, major, minor });
      },
    ),
  );
  fc.assert(
    fc.property(fc.string(), (s) => {
      const parsed = parseDockerdVersion(s);
      if (parsed) assert.ok(s.includes(`Docker version ${parsed.engine}`));
    }),
  );
});
