/** Real vs model: rulesets, counter deltas, connectivity. Pure functions. */
export {
  type ConnectivityDifference,
  type ConnectivityObservation,
  compareConnectivity,
  describeConnectivityDifference,
} from './connectivity.ts';
export {
  type CounterCompareOptions,
  type CounterComparison,
  type CounterRow,
  type CounterRowStatus,
  compareCounters,
  counterRowKey,
  isFailing,
} from './counter-compare.ts';
export {
  type CountersOfOptions,
  countersOf,
  diffCounters,
  policyRowText,
  ruleRowText,
} from './counter-deltas.ts';
export { DNS_CHAINS, type DnsPorts, findDnsPorts, MASKED_PORT, maskDnsPorts } from './dns-ports.ts';
export { columns, renderCounterComparisonText } from './render-text.ts';
export {
  compareRulesets,
  describeDifference,
  type RulesetComparison,
  type RulesetDifference,
  type RulesetDifferenceKind,
} from './ruleset-diff.ts';
export { readTranscript, type TranscriptSection, transcriptSteps } from './transcript.ts';
