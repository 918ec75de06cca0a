import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import fc from 'fast-check';
import {
  describeMissing,
  HOST_TOOLS,
  missingFor,
  parsePreflight,
  preflightScript,
} from './foreign-preflight.ts';

/** A directory of stand-in programs: `name` → shell body. */
function fakeImage(programs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nettwin-preflight-'));
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  // What the script itself runs.
  for (const tool of ['head', 'grep']) symlinkSync(`/usr/bin/${tool}`, join(dir, tool));
  return dir;
}

test('the probe names what an image lacks, rejects busybox stand-ins and reads the daemon version', async () => {
  const dir = fakeImage({
    dockerd: 'echo "Docker version 29.7.2, build 4b6e5c2"',
    // iproute2's ip says who it is; busybox's does not.
    ip: 'echo "ip utility, iproute2-6.15.0"',
    nc: 'echo "BusyBox v1.37.0 multi-call binary"',
    nft: 'true',
  });
  try {
    const { stdout } = await execa('/bin/sh', ['-c', preflightScript()], {
      env: { PATH: dir },
      extendEnv: false,
    });
    const report = parsePreflight(stdout);
    assert.equal(report.dockerdVersion, 'Docker version 29.7.2, build 4b6e5c2');
    assert.ok(
      report.present.includes('ip') && report.present.includes('nft') && report.present.includes('dockerd'),
    );
    assert.ok(report.missing.includes('nc'), 'busybox nc is not netcat-openbsd');
    assert.ok(report.missing.includes('iptables') && report.missing.includes('docker'));
    assert.equal(report.present.length + report.missing.length, HOST_TOOLS.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('host firewall tools count only for a host that asks for that firewall', () => {
  const report = parsePreflight('lack nft\nlack ufw\nlack firewalld\nhave ip\ndockerd x\n');
  assert.deepEqual(
    missingFor(report).map((t) => t.name),
    ['nft'],
  );
  assert.deepEqual(
    missingFor(report, 'ufw').map((t) => t.name),
    ['nft', 'ufw'],
  );
  assert.match(describeMissing(missingFor(report)), /nft \(Debian package nftables\)/);
});

test('property: parsePreflight reads back any have/lack split of the tools', () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: HOST_TOOLS.length, maxLength: HOST_TOOLS.length }),
      (have) => {
        const lines = HOST_TOOLS.map((t, i) => `${have[i] ? 'have' : 'lack'} ${t.name}`);
        const report = parsePreflight(`${lines.join('\n')}\ndockerd Docker version 28.5.2, build x\n`);
        assert.deepEqual(
          report.missing,
          HOST_TOOLS.filter((_, i) => !have[i]).map((t) => t.name),
        );
        assert.equal(report.dockerdVersion, 'Docker version 28.5.2, build x');
      },
    ),
  );
});
