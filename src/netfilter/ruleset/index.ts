/** iptables-save parse and serialize, canonical rule text, the extension registry. */
export { AddressError, canonicalCidr, listingAddress } from '../address/index.ts';
export {
  addToCounters,
  exactBytes,
  exactCounters,
  exactPackets,
  formatCounters,
  MAX_COUNTER,
  parseCounterValue,
} from './counters.ts';
export { RulesetParseError } from './errors.ts';
export {
  type ExtensionDef,
  findMatch,
  findOption,
  findTarget,
  IMPLICIT_PROTOCOL_MATCHES,
  implicitMatchOf,
  MATCHES,
  type OptionDef,
  STANDARD_VERDICTS,
  TARGETS,
} from './extensions.ts';
export { dumpFamily } from './family.ts';
export { checkJumpGraph, describeJumpPath, type JumpProblem, NFT_JUMP_STACK_SIZE } from './jump-graph.ts';
export { type ParseRulesetOptions, parseRuleset } from './parse.ts';
export { canonicalProtocol, ProtocolError, protocolNumber } from './protocol.ts';
export {
  type ForeignOptionHook,
  formatRuleSpec,
  parseRuleArgs,
  parseRuleSpec,
  RuleSpecError,
  type RuleSpecErrorKind,
} from './rule-spec.ts';
export { type SerializeOptions, serializeRuleset } from './serialize.ts';
export {
  byteOrder,
  cloneRuleset,
  countReferences,
  emptyRuleset,
  ensureBuiltinChain,
  ensureTable,
  findChain,
  findTable,
  insertUserChain,
  isBuiltinChain,
  isTableName,
  newBuiltinChain,
  newUserChain,
  TABLE_NAMES,
  TABLE_SAVE_ORDER,
  zeroCounters,
} from './tables.ts';
export { quoteIfNeeded, quoteSaveString, type Token, TokenizeError, tokenize } from './tokenize.ts';
export {
  parseTranscript,
  type Transcript,
  type TranscriptDump,
  type TranscriptEntry,
  TranscriptParseError,
  type TranscriptSetup,
  type TranscriptStep,
} from './transcript.ts';
