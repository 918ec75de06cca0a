/**
 * The rule files ufw-init restores, as Debian's ufw 0.36.2 ships them (/etc/ufw/before.rules,
 * after.rules; comments dropped), and user.rules as ufw's _write_rules writes it from the
 * rules, the default policies and the log level (IPv4 only: the model has no ip6tables).
 */

import { expandRule, formatRule, type UfwRule, userChainSuffix } from './rule.ts';
import type { UfwPolicyTarget } from './state.ts';

export const BEFORE_RULES = `*filter
:ufw-before-input - [0:0]
:ufw-before-output - [0:0]
:ufw-before-forward - [0:0]
:ufw-not-local - [0:0]
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-output -o lo -j ACCEPT
-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-output -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-input -m conntrack --ctstate INVALID -j ufw-logging-deny
-A ufw-before-input -m conntrack --ctstate INVALID -j DROP
-A ufw-before-input -p icmp --icmp-type destination-unreachable -j ACCEPT
-A ufw-before-input -p icmp --icmp-type time-exceeded -j ACCEPT
-A ufw-before-input -p icmp --icmp-type parameter-problem -j ACCEPT
-A ufw-before-input -p icmp --icmp-type echo-request -j ACCEPT
-A ufw-before-forward -p icmp --icmp-type destination-unreachable -j ACCEPT
-A ufw-before-forward -p icmp --icmp-type time-exceeded -j ACCEPT
-A ufw-before-forward -p icmp --icmp-type parameter-problem -j ACCEPT
-A ufw-before-forward -p icmp --icmp-type echo-request -j ACCEPT
-A ufw-before-input -p udp --sport 67 --dport 68 -j ACCEPT
-A ufw-before-input -j ufw-not-local
-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN
-A ufw-not-local -m addrtype --dst-type MULTICAST -j RETURN
-A ufw-not-local -m addrtype --dst-type BROADCAST -j RETURN
-A ufw-not-local -m limit --limit 3/min --limit-burst 10 -j ufw-logging-deny
-A ufw-not-local -j DROP
-A ufw-before-input -p udp -d 224.0.0.251 --dport 5353 -j ACCEPT
-A ufw-before-input -p udp -d 239.255.255.250 --dport 1900 -j ACCEPT
COMMIT
`;

export const AFTER_RULES = `*filter
:ufw-after-input - [0:0]
:ufw-after-output - [0:0]
:ufw-after-forward - [0:0]
-A ufw-after-input -p udp --dport 137 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp --dport 138 -j ufw-skip-to-policy-input
-A ufw-after-input -p tcp --dport 139 -j ufw-skip-to-policy-input
-A ufw-after-input -p tcp --dport 445 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp --dport 67 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp --dport 68 -j ufw-skip-to-policy-input
-A ufw-after-input -m addrtype --dst-type BROADCAST -j ufw-skip-to-policy-input
COMMIT
`;

/** The shipped /etc/ufw/user.rules, before ufw first writes it. */
export const USER_RULES_TEMPLATE = `*filter
:ufw-user-input - [0:0]
:ufw-user-output - [0:0]
:ufw-user-forward - [0:0]
:ufw-user-limit - [0:0]
:ufw-user-limit-accept - [0:0]
-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "
-A ufw-user-limit -j REJECT
-A ufw-user-limit-accept -j ACCEPT
COMMIT
`;

const DIRECTIONS = ['input', 'output', 'forward'] as const;
export type ChainDirection = (typeof DIRECTIONS)[number];

export const LIMIT_ARGS = ['-m', 'limit', '--limit', '3/min', '--limit-burst', '10'];
/** ufw's rate-limit log rule in ufw-user-limit (ufw_user_limit_log + its text). */
export const USER_LIMIT_LOG = [
  '-m',
  'limit',
  '--limit',
  '3/minute',
  '-j',
  'LOG',
  '--log-prefix',
  '[UFW LIMIT BLOCK] ',
];

/** One logging rule: its chain and the iptables words (`-A CHAIN …`, `-I …`, `-D …`). */
export interface LoggingRule {
  chain: string;
  argv: string[];
}

/** _get_logging_rules for log level "low" (the default; other levels are not modelled). */
export function loggingRules(policy: Record<ChainDirection, UfwPolicyTarget>): LoggingRule[] {
  const rules: LoggingRule[] = [];
  for (const d of DIRECTIONS) {
    const c = `ufw-user-logging-${d}`;
    rules.push({ chain: c, argv: ['-D', c, '-j', 'RETURN'] });
  }
  for (const d of DIRECTIONS) {
    const c = `ufw-after-logging-${d}`;
    if (policy[d] !== 'ACCEPT') {
      rules.push({ chain: c, argv: ['-A', c, '-j', 'LOG', '--log-prefix', '[UFW BLOCK] ', ...LIMIT_ARGS] });
    }
  }
  const deny = 'ufw-logging-deny';
  rules.push({
    chain: deny,
    argv: ['-I', deny, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'RETURN', ...LIMIT_ARGS],
  });
  rules.push({ chain: deny, argv: ['-A', deny, '-j', 'LOG', '--log-prefix', '[UFW BLOCK] ', ...LIMIT_ARGS] });
  const allow = 'ufw-logging-allow';
  rules.push({
    chain: allow,
    argv: ['-A', allow, '-j', 'LOG', '--log-prefix', '[UFW ALLOW] ', ...LIMIT_ARGS],
  });
  return rules;
}

const USER_RULES_CHAINS = [
  'ufw-user-input',
  'ufw-user-output',
  'ufw-user-forward',
  'ufw-before-logging-input',
  'ufw-before-logging-output',
  'ufw-before-logging-forward',
  'ufw-user-logging-input',
  'ufw-user-logging-output',
  'ufw-user-logging-forward',
  'ufw-after-logging-input',
  'ufw-after-logging-output',
  'ufw-after-logging-forward',
  'ufw-logging-deny',
  'ufw-logging-allow',
  'ufw-user-limit',
  'ufw-user-limit-accept',
];

/** The tuple line ufw keeps above each rule in user.rules (shown for readers of the text). */
function tupleLine(r: UfwRule): string {
  let action = r.forward ? `route:${r.action}` : r.action;
  if (r.logtype !== '') action += `_${r.logtype}`;
  let ifaces: string = r.direction;
  if (r.interfaceIn !== '' && r.interfaceOut !== '') ifaces = `in_${r.interfaceIn}!out_${r.interfaceOut}`;
  else if (r.interfaceIn !== '') ifaces = `${r.direction}_${r.interfaceIn}`;
  else if (r.interfaceOut !== '') ifaces = `${r.direction}_${r.interfaceOut}`;
  const comment = r.comment === '' ? '' : ` comment=${r.comment}`;
  return `### tuple ### ${action} ${r.protocol} ${r.dport} ${r.dst} ${r.sport} ${r.src} ${ifaces}${comment}`;
}

/** user.rules as _write_rules writes it (IPv4). */
export function userRulesText(
  rules: readonly UfwRule[],
  policy: Record<ChainDirection, UfwPolicyTarget>,
): string {
  const lines = ['*filter', ...USER_RULES_CHAINS.map((c) => `:${c} - [0:0]`), '### RULES ###'];
  for (const r of rules) {
    const suffix = userChainSuffix(r);
    lines.push('', tupleLine(r), ...expandRule(`-A ufw-user-${suffix} ${formatRule(r)}`, 'ufw', suffix));
  }
  lines.push('', '### END RULES ###', '', '### LOGGING ###');
  for (const { argv } of loggingRules(policy)) {
    if (argv[0] === '-D') continue;
    lines.push(argv.join(' ').replaceAll('[', '"[').replaceAll('] ', '] "'));
  }
  lines.push('### END LOGGING ###', '', '### RATE LIMITING ###');
  lines.push(`-A ufw-user-limit ${USER_LIMIT_LOG.slice(0, -1).join(' ')} "${USER_LIMIT_LOG.at(-1)}"`);
  lines.push(
    '-A ufw-user-limit -j REJECT',
    '-A ufw-user-limit-accept -j ACCEPT',
    '### END RATE LIMITING ###',
  );
  lines.push('COMMIT', '');
  return lines.join('\n');
}
