/**
 * Golden rulesets recorded from real engines (scripts/record-golden.ts writes
 * fixtures/golden/<version>/<script>.txt): the model, given the same script on a DinD
 * host baseline, must print the same rules in the same order. Bridge names of networks
 * created without a name are random on both sides, so they are compared by order of
 * first appearance; embedded-DNS ports are masked by compareRulesets. Hosts recorded on
 * an outer engine's user-defined network carry its embedded-DNS rules (DOCKER_OUTPUT):
 * those are replayed on the 'dind' baseline, later recordings (a host that owns its
 * outside world) on 'bare'.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { parseRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import { runDockerScript } from './script.ts';

const fixtures = new URL('../../fixtures/', import.meta.url);
const golden = new URL('golden/', fixtures);

/** br-<12 hex> → br-N in order of first appearance. */
export function canonicalBridgeNames(text: string): string {
  const seen = new Map<string, string>();
  return text.replace(/\bbr-[0-9a-f]{12}\b/g, (name) => {
    if (!seen.has(name)) seen.set(name, `br-${seen.size + 1}`);
    return seen.get(name) as string;
  });
}

// moby-<version>/: Docker's own generated documents, checked by moby-docs.test.ts.
const versions = existsSync(golden)
  ? readdirSync(golden)
      .filter((v) => !v.startsWith('moby-'))
      .sort()
  : [];

test('golden rulesets are recorded for the real-engine profiles', () => {
  assert.deepEqual(versions, ['20.10', '26.1', '28.5']);
});

for (const version of versions) {
  for (const file of readdirSync(new URL(`${version}/`, golden)).filter((f) => f.endsWith('.txt'))) {
    test(`golden ${version}/${file}: the model prints the rules the real engine wrote`, () => {
      const name = file.replace(/\.txt$/, '.docker');
      const realText = canonicalBridgeNames(readFileSync(new URL(`${version}/${file}`, golden), 'utf8'));
      // Recorded on a DinD host: its baseline, whatever host the script was written for.
      const baseline = /^:DOCKER_OUTPUT /m.test(realText) ? 'dind' : 'bare';
      const script = readFileSync(new URL(`scripts/${name}`, fixtures), 'utf8').replace(
        /\bbaseline=\w+/g,
        `baseline=${baseline}`,
      );
      const model = runDockerScript(script, { version, file: name, baseline });
      const real = parseRuleset(realText, { file: `fixtures/golden/${version}/${file}` });
      const predicted = parseRuleset(canonicalBridgeNames(serializeRuleset(model.ruleset())));
      const cmp = compareRulesets(real, predicted);
      assert.ok(cmp.equal, `${version}/${file}:\n${cmp.unified}`);
    });
  }
}
