/**
 * Needs Docker (run: node --import tsx --test src/backends/dind-groundtruth.docker-test.ts).
 * Replays ground truth e1 and e2 on a fresh real DinD 20.10 host: the same setup commands,
 * the same step, and the counter deltas must equal the recorded ones exactly.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { compareCounters } from '../compare/counter-compare.ts';
import { countersOf } from '../compare/counter-deltas.ts';
import { renderCounterComparisonText } from '../compare/render-text.ts';
import { DindSession } from '../dind/session.ts';
import { iptablesCountersOf } from '../netfilter/firewall-state.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { parseTranscript } from '../netfilter/ruleset/transcript.ts';
import { createDindBackend } from './dind.ts';

const session = new DindSession();
after(() => session.dispose());

for (const file of ['e1-default-bridge-ping.txt', 'e2-cross-bridge.txt']) {
  test(`ground truth ${file}: counter deltas on a real 20.10 host equal the recorded ones`, async () => {
    const path = new URL(`../../fixtures/groundtruth/${file}`, import.meta.url);
    const transcript = parseTranscript(readFileSync(path, 'utf8'));
    const backend = createDindBackend({ session });
    await backend.startHost({ dockerVersion: '20.10', daemonOptions: [] });
    const host = backend.dindHost();
    // The transcripts name the workload image local/workload:1.
    await host.dockerOrThrow(['tag', session.config.workloadImage, 'local/workload:1']);
    for (const entry of transcript.entries) {
      if (entry.kind === 'setup') {
        await host.run(entry.command);
        continue;
      }
      if (!entry.command) continue;
      await backend.zeroCounters();
      const r = await host.exec(entry.command);
      assert.equal(r.exitCode, entry.rc, `${file}:${entry.line} rc of \`${entry.command}\`: ${r.stderr}`);
      const real = iptablesCountersOf(await backend.readCounters());
      const recorded = countersOf(parseRuleset(entry.dumpText, { file: `${file}:${entry.line}` }));
      const protocol = /\bnc\b/.test(entry.command) ? 'tcp' : 'icmp';
      const cmp = compareCounters(real, recorded, { protocol });
      assert.ok(cmp.equal, `${file}:${entry.line} "${entry.title}"\n${renderCounterComparisonText(cmp)}`);
      console.log(`${file}:${entry.line} "${entry.title}": ${real.length} counter rows equal`);
    }
    await backend.dispose();
  });
}
