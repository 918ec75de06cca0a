/**
 * The exit-time cleanup calls the docker CLI with argv words, never a shell, and only
 * for an id of the form nettwin makes: checked against a fake `docker` on PATH that
 * records its arguments.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { removeSessionSync } from './cleanup.ts';
import { inheritedId, LABEL_SESSION, SESSION_ID } from './labels.ts';

const dir = mkdtempSync(join(tmpdir(), 'nettwin-cleanup-'));
const log = join(dir, 'calls');
// One line per call, each argument in brackets: a word with spaces or ; stays one word.
writeFileSync(
  join(dir, 'docker'),
  `#!/bin/sh
for a in "$@"; do printf '[%s]' "$a" >>"${log}"; done
echo >>"${log}"
if [ "$1 $2" = "ps -aq" ]; then echo c1; echo c2; fi
`,
);
chmodSync(join(dir, 'docker'), 0o755);
const path = process.env.PATH;
process.env.PATH = `${dir}:${path}`;
after(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

const calls = () => {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe('removeSessionSync', () => {
  beforeEach(() => writeFileSync(log, ''));

  it('removes containers, networks and volumes of exactly this session, by argv', () => {
    removeSessionSync('0a1b2c');
    const filter = `[--filter][label=${LABEL_SESSION}=0a1b2c]`;
    assert.deepEqual(calls(), [
      `[ps][-aq]${filter}`,
      '[rm][-f][-v][c1][c2]',
      `[network][ls][-q]${filter}`,
      `[volume][ls][-q]${filter}`,
      `[network][ls][-q]${filter}`,
    ]);
  });

  it('the default is this process session', () => {
    removeSessionSync();
    assert.ok(calls()[0]?.endsWith(`[label=${LABEL_SESSION}=${SESSION_ID}]`));
  });

  it('property: an id that is not lowercase hex runs nothing at all', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^[0-9a-f]{1,64}$/.test(s)),
        (id) => {
          writeFileSync(log, '');
          removeSessionSync(id);
          assert.deepEqual(calls(), []);
        },
      ),
      { numRuns: 30 },
    );
    for (const id of ['x;touch /tmp/pwned', 'abc" --filter "label=org.nettwin.managed', '']) {
      removeSessionSync(id);
      assert.deepEqual(calls(), []);
    }
  });
});

describe('inherited session and run ids', () => {
  it('take lowercase hex, as nettwin makes them; nothing set is a fresh id', () => {
    assert.equal(inheritedId('NETTWIN_SESSION_ID', '5e0f3a9c1b2d'), '5e0f3a9c1b2d');
    assert.equal(inheritedId('NETTWIN_SESSION_ID', undefined), undefined);
    assert.equal(inheritedId('NETTWIN_SESSION_ID', ''), undefined);
    assert.match(SESSION_ID, /^[0-9a-f]+$/);
  });

  it('property: anything else is refused with the variable named', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !/^[0-9a-f]{1,64}$/.test(s)),
        (value) => {
          assert.throws(
            () => inheritedId('NETTWIN_RUN_ID', value),
            /^Error: NETTWIN_RUN_ID=.* is not a nettwin id/,
          );
        },
      ),
    );
  });
});
