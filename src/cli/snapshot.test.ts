/** `nettwin snapshot`: the file is its owner's only, --redact, and a failure is exit 2. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseSnapshotJson } from '../snapshot/schema.ts';
import { type SnapshotIo, summarize, takeSnapshot, writeSnapshotFile } from './snapshot.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');
const recorded = parseSnapshotJson(readFileSync(FIXTURE, 'utf8'), FIXTURE);
const dir = mkdtempSync(join(tmpdir(), 'nettwin-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The recorded host with a private listener, as collect would return it. */
function io(): SnapshotIo & { out: string; err: string } {
  const result = {
    out: '',
    err: '',
    collect: async () => ({
      ...recorded,
      listeners: [
        ...recorded.listeners,
        { protocol: 'tcp' as const, address: '0.0.0.0', port: 5432, owner: 'postgres' },
      ],
    }),
    stdout: (text: string) => {
      result.out += text;
    },
    stderr: (text: string) => {
      result.err += text;
    },
  };
  return result;
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('nettwin snapshot', () => {
  it('writes the file with mode 0600, whatever the umask', async () => {
    const file = join(dir, 'new.json');
    const previous = process.umask(0o000);
    try {
      assert.equal(await takeSnapshot({ out: file }, io()), 0);
    } finally {
      process.umask(previous);
    }
    assert.equal(mode(file), 0o600);
    assert.deepEqual(parseSnapshotJson(readFileSync(file, 'utf8'), file).host, recorded.host);
  });

  it('narrows an existing world-readable file to 0600 before writing to it', () => {
    const file = join(dir, 'old.json');
    writeFileSync(file, 'old contents that are longer than the new ones');
    chmodSync(file, 0o644);
    writeSnapshotFile(file, '{}\n');
    assert.equal(mode(file), 0o600);
    assert.equal(readFileSync(file, 'utf8'), '{}\n');
  });

  it('--redact replaces the hostname and non-Docker process names, and says so', async () => {
    const file = join(dir, 'redacted.json');
    const run = io();
    assert.equal(await takeSnapshot({ out: file, redact: true }, run), 0);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('prod-host') && !text.includes('postgres'), text);
    assert.match(text, /"owner": "process-1"/);
    assert.match(run.err, /^redacted: the hostname, 1 process names, 0 rule comments$/m);
    assert.match(run.err, /snapshot of redacted-host/);
    // Without --redact the names stay (a snapshot for one's own use).
    const plain = io();
    assert.equal(await takeSnapshot({}, plain), 0);
    assert.match(plain.out, /prod-host/);
    assert.match(plain.out, /postgres/);
  });

  it('a host that cannot be read, or a file that cannot be written, is exit 2 with the reason', async () => {
    const failing = { ...io(), collect: async () => Promise.reject(new Error('`iptables-save -c` failed')) };
    assert.equal(await takeSnapshot({}, failing), 2);
    const run = io();
    assert.equal(await takeSnapshot({ out: join(dir, 'no/such/dir.json') }, run), 2);
    assert.match(run.err, /^nettwin snapshot: ENOENT/);
  });
});

describe('nettwin snapshot with IPv6', () => {
  const DUAL = join(import.meta.dirname, '../../fixtures/snapshots/dual-stack-28.5.json');
  const dual = parseSnapshotJson(readFileSync(DUAL, 'utf8'), DUAL);

  it('the summary counts ip6tables rules, or says why there are none', () => {
    assert.match(summarize(dual), /, 27 rules, 19 ip6tables rules, 2 listeners$/);
    assert.match(
      summarize({ ...dual, ip6tables: { absent: 'ip6tables-save is not installed' } }),
      /, no ip6tables \(ip6tables-save is not installed\),/,
    );
    assert.doesNotMatch(summarize(recorded), /ip6tables/, 'a version 1 file says nothing of IPv6');
  });

  it('what the collector leaves out reaches stderr as a warning, and the file is still written', async () => {
    let err = '';
    const code = await takeSnapshot(
      { out: join(dir, 'dual.json') },
      {
        collect: async (_container, warn) => {
          warn('left out: route "fd00:bad::/32": type "blackhole" is not modelled');
          return dual;
        },
        stdout: () => {},
        stderr: (text) => {
          err += text;
        },
      },
    );
    assert.equal(code, 0);
    assert.match(err, /^nettwin snapshot: warning: left out: route "fd00:bad::\/32"/m);
    assert.deepEqual(parseSnapshotJson(readFileSync(join(dir, 'dual.json'), 'utf8'), 'dual.json'), dual);
  });
});
