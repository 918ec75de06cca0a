/**
 * What ufw keeps between commands: /etc/ufw/ufw.conf's ENABLED, /etc/default/ufw's
 * DEFAULT_*_POLICY, and the rules of user.rules and user6.rules (v6 rules are kept for
 * `status` and rule numbers; the model writes no ip6tables rules).
 */
import type { UfwRule } from './rule.ts';

export type UfwPolicyTarget = 'ACCEPT' | 'DROP' | 'REJECT';

export interface UfwState {
  enabled: boolean;
  policy: { input: UfwPolicyTarget; output: UfwPolicyTarget; forward: UfwPolicyTarget };
  rules: UfwRule[];
  rules6: UfwRule[];
  /** user.rules has been written by ufw (before that, ufw-init restores the shipped file). */
  userRulesWritten: boolean;
}

/** A freshly installed ufw: disabled, deny incoming, allow outgoing, deny routed. */
export function initialUfwState(): UfwState {
  return {
    enabled: false,
    policy: { input: 'DROP', output: 'ACCEPT', forward: 'DROP' },
    rules: [],
    rules6: [],
    userRulesWritten: false,
  };
}
