/** The `iptables` command interpreter over a Ruleset. */
export { type Command, type Operation, parseCommand } from './command.ts';
export { formatCount, type ListFlags, listChains, listRules, matchText, targetText } from './list.ts';
export {
  failure,
  IPTABLES_VERSION,
  IptablesError,
  type IptablesResult,
  ok,
  parameterProblem,
  REASON,
} from './result.ts';
export { runIptables } from './run.ts';
export { applyIptablesScript } from './script.ts';
