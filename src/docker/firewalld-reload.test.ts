/**
 * A firewalld reload after `docker network rm`: before 28.0 the removed network's reload
 * callbacks still run (they were never unregistered), so its network rules come back and
 * its bridge is bound to Docker's zone again; 28.x reloads the networks that exist.
 * Checked against real 26.1 and 28.5 firewalld hosts by features/firewalld.feature (twin).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { findChain } from '../netfilter/ruleset/index.ts';
import { DockerDaemonModel } from './daemon-model.ts';

function withRemovedNetwork(version: string) {
  const m = DockerDaemonModel.start({ version, baseline: 'bare' });
  m.createNetwork({
    name: 'keep',
    subnet: '172.18.0.0/16',
    options: { 'com.docker.network.bridge.name': 'keep' },
  });
  m.createNetwork({
    name: 'gone',
    subnet: '172.19.0.0/16',
    options: { 'com.docker.network.bridge.name': 'gone' },
  });
  m.removeNetwork('gone');
  return m;
}
const lines = (m: DockerDaemonModel) =>
  ['FORWARD', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2'].flatMap((c) =>
    (findChain(m.ruleset(), 'filter', c)?.rules ?? []).map((r) => `${c} ${r.text}`),
  );

test('26.1: the removed network comes back in FORWARD and nat, not in the isolation chains', () => {
  const m = withRemovedNetwork('26.1');
  assert.deepEqual(m.firewallReload(), ['docker0', 'keep', 'gone']);
  const after = lines(m);
  assert.ok(after.includes('FORWARD -i gone ! -o gone -j ACCEPT'), after.join('\n'));
  assert.ok(!after.some((l) => l.startsWith('DOCKER-ISOLATION') && l.includes('gone')), after.join('\n'));
  const nat = (findChain(m.ruleset(), 'nat', 'POSTROUTING')?.rules ?? []).map((r) => r.text);
  assert.ok(nat.includes('-s 172.19.0.0/16 ! -o gone -j MASQUERADE'), nat.join('\n'));
});

test('28.5: a reload re-applies the live networks only, and changes nothing', () => {
  const m = withRemovedNetwork('28.5');
  const before = lines(m);
  assert.deepEqual(m.firewallReload(), ['docker0', 'keep']);
  assert.deepEqual(lines(m), before);
});

test('any number of reloads leaves the same rules as the first, none doubled (every writer checks first)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('20.10', '26.1', '28.5'),
      fc.integer({ min: 2, max: 4 }),
      (version, times) => {
        const m = withRemovedNetwork(version);
        m.firewallReload();
        // As a set: DOCKER-USER's and STAGE-1's jumps are moved to the top again each time.
        const once = lines(m).sort();
        for (let k = 1; k < times; k++) m.firewallReload();
        assert.deepEqual(lines(m).sort(), once);
      },
    ),
    { numRuns: 12 },
  );
});
