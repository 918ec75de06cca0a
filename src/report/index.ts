/** Report pieces: packet-path pictures, counter tables, the failure summary, step text as written. */
export { renderCounterTable } from './counter-table.ts';
export { escapeXml } from './escape.ts';
export { type FailureSummaryInput, renderFailureSummary } from './failure-summary.ts';
export { type PathSvgOptions, renderPathSvg, splitLanes, splitStages } from './path-svg.ts';
export {
  HOOK_WORDS,
  stepWords,
  TABLE_WORDS,
  TONE_COLOURS,
  TONE_WORDS,
  type Tone,
  toneOf,
} from './path-words.ts';
export { forHtmlReport, formatterStepText, printable, type StepTextPart } from './step-arguments.ts';
