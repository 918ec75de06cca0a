import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groundTruthText } from './fixtures.test-helper.ts';
import { readTranscript, transcriptSteps } from './transcript.ts';

test('reads every section of e3 with its dumps', () => {
  const sections = readTranscript(groundTruthText('e3-publish-and-proxy'));
  assert.deepEqual(
    sections.map((s) => s.kind),
    [
      'SETUP',
      'SETUP',
      'SETUP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'STEP',
      'RULESET AT END',
    ],
  );
  // The first external step holds two dumps (before and after the outer client's GET).
  assert.equal(sections[3]?.dumps.length, 2);
  assert.ok(sections[3]?.output.includes('external rc=0'));
  for (const s of sections.filter((x) => x.kind === 'STEP')) {
    assert.match(s.dumps.at(-1) ?? '', /^\*filter\n[\s\S]*COMMIT\n\*nat\n[\s\S]*COMMIT\n$/);
  }
});

test('a STEP takes its last dump as its deltas', () => {
  const steps = transcriptSteps(groundTruthText('e3-publish-and-proxy'));
  assert.match(steps[0]?.deltas ?? '', /\[12:934\] -A FORWARD -j DOCKER-USER/);
  assert.equal(steps[0]?.title, 'external client GETs host:8080 (outer host)');
});
