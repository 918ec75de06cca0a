/** The netfilter twin's packet path: runFlow predicts what the kernel does with a flow. */
export { MAX_JUMP_DEPTH } from './chain-walk.ts';
export { type ConntrackEntry, ConntrackTable, type CtState } from './conntrack.ts';
export { HostStateError, RuleError } from './errors.ts';
export { formatPath } from './format-path.ts';
export { type RunFlowOptions, runFlow } from './run-flow.ts';
