/** A snapshot as a standalone host a real backend can build. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { interfacePlan } from '../dind/standalone-host.ts';
import { SnapshotError } from './errors.ts';
import { snapshotReplay } from './to-standalone.ts';

const FILE = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');
const text = readFileSync(FILE, 'utf8');

describe('snapshotReplay', () => {
  const { spec, containers } = snapshotReplay(text, FILE);

  it('keeps bridges and addressed interfaces, not the containers veths', () => {
    assert.deepEqual(
      spec.interfaces.map((i) => i.name),
      ['lo', 'eth0', 'docker0', 'br-718fdc2eeb7b', 'br-874059c90d60'],
    );
    assert.ok(spec.routes.every((r) => spec.interfaces.some((i) => i.name === r.dev)));
  });

  it('gives a real host only sysctls it can take (no veth keys, no conntrack sizes)', () => {
    assert.equal(spec.sysctls['net.ipv4.ip_forward'], '1');
    assert.ok(!Object.keys(spec.sysctls).some((k) => /veth|conntrack|bridge-nf/.test(k)));
    // The commands that build it on a DinD host name only interfaces it creates.
    const words = interfacePlan(spec).steps.flatMap((s) => s.argv);
    assert.ok(!words.some((w) => /veth[0-9a-f]{7}/.test(w)));
    assert.ok(
      interfacePlan(spec).steps.some(
        (s) => s.argv.join(' ') === 'ip link add name br-874059c90d60 type bridge',
      ),
    );
  });

  it('names the running containers with their addresses for the steps', () => {
    assert.deepEqual(
      containers.map((c) => [c.name, c.network, c.address]),
      [
        ['db', 'backend', '172.19.0.3'],
        ['api', 'backend', '172.19.0.2'],
        ['web', 'frontend', '172.18.0.2'],
      ],
    );
    assert.deepEqual(
      spec.neighbours.map((n) => n.name),
      ['db', 'api', 'web'],
    );
  });

  it('a file that is not a snapshot is a SnapshotError naming it', () => {
    assert.throws(() => snapshotReplay('{}', 'x.json'), SnapshotError);
  });
});
