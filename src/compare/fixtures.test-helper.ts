/** Test helper: ground-truth transcripts from fixtures/groundtruth, parsed. */
import { readFileSync } from 'node:fs';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { readTranscript, transcriptSteps } from './transcript.ts';

const dir = new URL('../../fixtures/groundtruth/', import.meta.url);

export function groundTruthText(name: string): string {
  return readFileSync(new URL(`${name}.txt`, dir), 'utf8');
}

/** The deltas dump of the STEP whose title starts with `title`, parsed. */
export function groundTruthStep(name: string, title: string): Ruleset {
  const step = transcriptSteps(groundTruthText(name)).find((s) => s.title.startsWith(title));
  if (!step) throw new Error(`fixtures/groundtruth/${name}.txt has no STEP starting with "${title}"`);
  return parseRuleset(step.deltas, { file: `${name}.txt#${step.line}` });
}

export function groundTruthFinal(name: string): Ruleset {
  const end = readTranscript(groundTruthText(name)).find((s) => s.kind === 'RULESET AT END');
  if (!end?.dumps[0]) throw new Error(`fixtures/groundtruth/${name}.txt has no RULESET AT END`);
  return parseRuleset(end.dumps[0], { file: `${name}.txt#end` });
}
