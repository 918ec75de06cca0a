/**
 * The model against ufw on real hosts: every recording in fixtures/ufw/<version>/ replays
 * command by command from its Docker baseline, and after each command the exit code,
 * stdout, stderr and the whole `iptables-save` must be what the real host printed.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseShell } from 'shell-quote';
import { runIptables } from '../iptables/index.ts';
import { parseRuleset, serializeRuleset } from '../ruleset/index.ts';
import type { Ruleset } from '../types.ts';
import { readUfwRecording } from './fixtures.test-helper.ts';
import { initialUfwState } from './state.ts';
import { runUfw, type UfwHost } from './ufw.ts';

const root = join(import.meta.dirname, '../../../fixtures/ufw');

function hostOf(ruleset: Ruleset, ipForward = true): UfwHost {
  return { iptables: (argv) => runIptables(ruleset, argv), ipForward: () => ipForward };
}

const versions = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

for (const version of versions) {
  const files = readdirSync(join(root, version)).filter((f) => f.endsWith('.txt'));
  describe(`ufw recordings of Docker ${version}`, () => {
    for (const file of files) {
      it(`replays ${file} exactly`, () => {
        const [baseline, ...steps] = readUfwRecording(join(root, version, file));
        assert.ok(baseline && steps.length > 0, `${file} has no steps`);
        const ruleset = parseRuleset(baseline.save, { file });
        const state = initialUfwState();
        const host = hostOf(ruleset);
        for (const step of steps) {
          const argv = (parseShell(step.command) as string[]).slice(1);
          const result = runUfw(host, state, argv);
          const where = `${version}/${file}: ${step.command}`;
          assert.equal(result.exitCode, step.exitCode, `${where}: exit code (${result.stderr})`);
          assert.equal(result.stdout, step.stdout, `${where}: stdout`);
          assert.equal(result.stderr, step.stderr, `${where}: stderr`);
          const real = serializeRuleset(parseRuleset(step.save, { file }));
          assert.equal(serializeRuleset(ruleset), real, `${where}: iptables-save`);
        }
      });
    }
  });
}

describe('ufw model', () => {
  const baseline = () =>
    parseRuleset('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');

  it('leaves the ruleset alone when it refuses a command', () => {
    const ruleset = baseline();
    const before = serializeRuleset(ruleset);
    const state = initialUfwState();
    for (const argv of [['allow', 'ssh'], ['allow', 'from', 'fd00::1'], ['logging', 'on'], ['frobnicate']]) {
      const result = runUfw(hostOf(ruleset), state, argv);
      assert.notEqual(result.exitCode, 0, argv.join(' '));
      assert.equal(serializeRuleset(ruleset), before, argv.join(' '));
    }
    assert.deepEqual(state, initialUfwState());
  });

  it('names the unmodelled form and what it runs, with exit 2', () => {
    const result = runUfw(hostOf(baseline()), initialUfwState(), ['app', 'list']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /does not run "ufw app"; it runs enable, disable, reload/);
  });

  it('says routed is disabled in verbose status when the host does not forward', () => {
    const ruleset = baseline();
    const state = initialUfwState();
    runUfw(hostOf(ruleset), state, ['--force', 'enable']);
    const { stdout } = runUfw(hostOf(ruleset, false), state, ['status', 'verbose']);
    assert.match(stdout, /^Default: deny \(incoming\), allow \(outgoing\), disabled \(routed\)$/m);
  });

  it('sets FORWARD to ACCEPT on disable, as ufw-init does (Docker had it DROP)', () => {
    const ruleset = baseline();
    const state = initialUfwState();
    runUfw(hostOf(ruleset), state, ['--force', 'enable']);
    runUfw(hostOf(ruleset), state, ['disable']);
    assert.match(serializeRuleset(ruleset), /^:FORWARD ACCEPT/m);
    assert.match(serializeRuleset(ruleset), /^-A FORWARD -j ufw-before-logging-forward$/m);
  });
});
