/**
 * ufw-init (lib/ufw/ufw-init-functions of Debian's ufw 0.36.2) and the parts of ufw's
 * backend that run after it, step by step, on the host's iptables (IPv4): the order of
 * rules and chains, and what survives a stop (the primary chains and the jumps from
 * INPUT, OUTPUT and FORWARD stay; the policies become ACCEPT), come from doing what ufw does.
 */
import { chainExists, restoreNoflush, type UfwIptables } from './restore.ts';
import {
  AFTER_RULES,
  BEFORE_RULES,
  loggingRules,
  USER_LIMIT_LOG,
  USER_RULES_TEMPLATE,
  userRulesText,
} from './rule-files.ts';
import type { UfwState } from './state.ts';

const PRIMARY = [
  'before-logging-input',
  'before-logging-output',
  'before-logging-forward',
  'before-input',
  'before-output',
  'before-forward',
  'after-input',
  'after-output',
  'after-forward',
  'after-logging-input',
  'after-logging-output',
  'after-logging-forward',
  'reject-input',
  'reject-output',
  'reject-forward',
  'track-input',
  'track-output',
  'track-forward',
].map((c) => `ufw-${c}`);

const HOOKS: Array<[string, string]> = [
  ['INPUT', 'input'],
  ['OUTPUT', 'output'],
  ['FORWARD', 'forward'],
];
const HOOK_ORDER = ['before-logging', 'before', 'after', 'after-logging', 'reject', 'track'];

/** chains_command's list, in its order (flushed and zeroed by delete_chains). */
const ALL_CHAINS = [
  'logging-deny',
  'logging-allow',
  'not-local',
  'user-logging-input',
  'user-limit-accept',
  'user-limit',
  'skip-to-policy-input',
  'reject-input',
  'after-logging-input',
  'after-input',
  'user-input',
  'before-input',
  'before-logging-input',
  'skip-to-policy-forward',
  'reject-forward',
  'after-logging-forward',
  'after-forward',
  'user-logging-forward',
  'user-forward',
  'before-forward',
  'before-logging-forward',
  'track-forward',
  'track-output',
  'track-input',
  'skip-to-policy-output',
  'reject-output',
  'after-logging-output',
  'after-output',
  'user-logging-output',
  'user-output',
  'before-output',
  'before-logging-output',
].map((c) => `ufw-${c}`);

/** The secondary chains delete_chains removes (the primary ones stay, empty). */
const SECONDARY_CHAINS = [
  'logging-deny',
  'logging-allow',
  'not-local',
  'user-logging-input',
  'user-logging-output',
  'user-logging-forward',
  'user-limit-accept',
  'user-limit',
  'user-input',
  'user-forward',
  'user-output',
  'skip-to-policy-input',
  'skip-to-policy-output',
  'skip-to-policy-forward',
].map((c) => `ufw-${c}`);

const USER_CHAINS = [
  'user-input',
  'user-output',
  'user-forward',
  'user-logging-input',
  'user-logging-output',
  'user-logging-forward',
  'user-limit',
  'user-limit-accept',
].map((c) => `ufw-${c}`);

const declare = (chains: readonly string[]) =>
  `*filter\n${chains.map((c) => `:${c} - [0:0]`).join('\n')}\nCOMMIT\n`;

function deleteChains(iptables: UfwIptables): void {
  for (const c of ALL_CHAINS) iptables(['-F', c]);
  for (const c of ALL_CHAINS) iptables(['-Z', c]);
  for (const c of SECONDARY_CHAINS) iptables(['-X', c]);
}

/** ufw_start: returns false when the firewall was already running (ufw-init does nothing). */
export function ufwInitStart(iptables: UfwIptables, state: UfwState): boolean {
  if (chainExists(iptables, 'ufw-user-input')) return false;
  const { policy } = state;
  if (chainExists(iptables, 'ufw-before-logging-input')) {
    deleteChains(iptables);
  } else {
    const jumps = HOOKS.flatMap(([hook, suffix]) =>
      HOOK_ORDER.map((h) => `-A ${hook} -j ufw-${h}-${suffix}`),
    );
    restoreNoflush(
      iptables,
      `*filter\n${PRIMARY.map((c) => `:${c} - [0:0]`).join('\n')}\n${jumps.join('\n')}\nCOMMIT\n`,
    );
  }
  for (const [, d] of HOOKS) {
    const key = d as keyof UfwState['policy'];
    if (policy[key] === 'REJECT') restoreNoflush(iptables, `-A ufw-reject-${d} -j REJECT\n`);
  }
  for (const [, d] of HOOKS) {
    const key = d as keyof UfwState['policy'];
    if (policy[key] === 'ACCEPT') {
      restoreNoflush(
        iptables,
        `-A ufw-track-${d} -p tcp -m conntrack --ctstate NEW -j ACCEPT\n-A ufw-track-${d} -p udp -m conntrack --ctstate NEW -j ACCEPT\n`,
      );
    }
  }
  if (!chainExists(iptables, 'ufw-logging-deny'))
    restoreNoflush(iptables, declare(['ufw-logging-deny', 'ufw-logging-allow']));
  if (!chainExists(iptables, 'ufw-skip-to-policy-input')) {
    const chains = HOOKS.map(([, d]) => `ufw-skip-to-policy-${d}`);
    const rules = HOOKS.map(
      ([, d]) => `-A ufw-skip-to-policy-${d} -j ${policy[d as keyof UfwState['policy']]}`,
    );
    restoreNoflush(iptables, `${declare(chains)}${rules.join('\n')}\n`);
  }
  restoreNoflush(iptables, BEFORE_RULES);
  restoreNoflush(iptables, AFTER_RULES);
  if (!chainExists(iptables, 'ufw-user-input')) restoreNoflush(iptables, declare(USER_CHAINS));
  restoreNoflush(iptables, userRules(state));
  restoreNoflush(iptables, HOOKS.map(([, d]) => `-A ufw-before-${d} -j ufw-user-${d}`).join('\n'));
  const builtin = (t: string) => (t === 'REJECT' ? 'DROP' : t);
  restoreNoflush(
    iptables,
    `:INPUT ${builtin(policy.input)} [0:0]\n:FORWARD ${builtin(policy.forward)} [0:0]\n:OUTPUT ${builtin(policy.output)} [0:0]\n`,
  );
  return true;
}

/** ufw_stop --force: flush ufw's chains, drop the secondary ones, policies ACCEPT. */
export function ufwInitStop(iptables: UfwIptables): void {
  deleteChains(iptables);
  for (const hook of ['INPUT', 'OUTPUT', 'FORWARD']) iptables(['-P', hook, 'ACCEPT']);
}

function userRules(state: UfwState): string {
  return state.userRulesWritten ? userRulesText(state.rules, state.policy) : USER_RULES_TEMPLATE;
}

/** update_logging("low") on a running firewall: the logging chains rewritten, user.rules too. */
export function updateLogging(iptables: UfwIptables, state: UfwState): void {
  state.userRulesWritten = true;
  if (!state.enabled) return;
  const flushed = [
    'ufw-before-logging-input',
    'ufw-before-logging-output',
    'ufw-before-logging-forward',
    'ufw-after-logging-input',
    'ufw-after-logging-output',
    'ufw-after-logging-forward',
    'ufw-logging-deny',
    'ufw-logging-allow',
  ];
  for (const c of flushed) {
    iptables(['-F', c]);
    iptables(['-Z', c]);
  }
  for (const { argv } of loggingRules(state.policy)) iptables(argv);
  iptables(['-D', 'ufw-user-limit', ...USER_LIMIT_LOG]);
  iptables(['-I', 'ufw-user-limit', ...USER_LIMIT_LOG]);
}

/** _reload_user_rules: the user logging chains flushed, user.rules restored. */
export function reloadUserRules(iptables: UfwIptables, state: UfwState): void {
  if (!state.enabled) return;
  for (const d of ['input', 'output', 'forward']) {
    iptables(['-F', `ufw-user-logging-${d}`]);
    iptables(['-Z', `ufw-user-logging-${d}`]);
  }
  restoreNoflush(iptables, userRules(state));
}
