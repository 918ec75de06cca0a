/**
 * The ufw command on a model host: `runUfw(host, state, argv)` does what ufw 0.36.2's
 * frontend and iptables backend do for the modelled subset, writing the ufw chains and
 * rules through the host's iptables, and answers with ufw's messages and exit codes.
 * Pure: the host's iptables is a function, the state a value the caller keeps.
 */
import ipaddr from 'ipaddr.js';
import { UFW_HELP } from './help.ts';
import { reloadUserRules, ufwInitStart, ufwInitStop, updateLogging } from './init.ts';
import { parseUfwCommand, UfwError, type UfwIpType, UfwSyntaxError, UfwUnmodelledError } from './parse.ts';
import { chainExists, type UfwCommandResult, type UfwIptables } from './restore.ts';
import {
  expandRuleArgv,
  formatRule,
  isAnywhere,
  matchRule,
  normalizeRule,
  type UfwRule,
  userChainSuffix,
  withFamily,
} from './rule.ts';
import type { UfwPolicyTarget, UfwState } from './state.ts';
import { ruleCommand, statusText } from './status.ts';

export interface UfwHost {
  iptables: UfwIptables;
  /** net.ipv4.ip_forward is 1 (`status verbose` says "disabled (routed)" otherwise). */
  ipForward(): boolean;
}

const ok = (stdout: string, stderr = ''): UfwCommandResult => ({ exitCode: 0, stdout, stderr });

/** Runs `ufw ARGV…` (without the leading "ufw"). Never throws for bad input. */
export function runUfw(host: UfwHost, state: UfwState, argv: readonly string[]): UfwCommandResult {
  try {
    return run(host, state, argv);
  } catch (error) {
    if (error instanceof UfwError) return { exitCode: 1, stdout: '', stderr: `ERROR: ${error.message}\n` };
    if (error instanceof UfwSyntaxError) {
      return {
        exitCode: 1,
        stdout: UFW_HELP,
        stderr: 'ERROR: Invalid syntax\n',
      };
    }
    if (error instanceof UfwUnmodelledError) return { exitCode: 2, stdout: '', stderr: `${error.message}\n` };
    throw error;
  }
}

function run(host: UfwHost, state: UfwState, argv: readonly string[]): UfwCommandResult {
  const command = parseUfwCommand(argv);
  const { iptables } = host;
  switch (command.kind) {
    case 'version':
      return ok('ufw 0.36.2\nCopyright 2008-2023 Canonical Ltd.\n');
    case 'enable':
      state.enabled = true;
      start(iptables, state);
      return ok('Firewall is active and enabled on system startup\n');
    case 'disable':
      state.enabled = false;
      ufwInitStop(iptables);
      return ok('Firewall stopped and disabled on system startup\n');
    case 'reload':
      if (!state.enabled) return ok('Firewall not enabled (skipping reload)\n');
      ufwInitStop(iptables);
      start(iptables, state);
      return ok('Firewall reloaded\n');
    case 'status':
      return ok(`${statusText(state, command.mode, host.ipForward())}\n`);
    case 'default': {
      const target: UfwPolicyTarget =
        command.policy === 'allow' ? 'ACCEPT' : command.policy === 'reject' ? 'REJECT' : 'DROP';
      const key =
        command.direction === 'incoming' ? 'input' : command.direction === 'outgoing' ? 'output' : 'forward';
      state.policy[key] = target;
      if (state.enabled) {
        ufwInitStop(iptables);
        start(iptables, state);
      }
      return ok(
        `Default ${command.direction} policy changed to '${command.policy}'\n(be sure to update your rules accordingly)\n`,
      );
    }
    case 'delete-number':
      return deleteNumber(iptables, state, command.number, command.force);
    case 'rule':
      return setRules(iptables, state, command.rule, command.remove, command.iptype);
  }
}

/** start_firewall: ufw-init start, then the logging rules. */
function start(iptables: UfwIptables, state: UfwState): void {
  ufwInitStart(iptables, state);
  updateLogging(iptables, state);
}

function deleteNumber(iptables: UfwIptables, state: UfwState, n: number, force: boolean): UfwCommandResult {
  const all = [...state.rules, ...state.rules6];
  const rule = n >= 1 ? all[n - 1] : undefined;
  if (!rule) throw new UfwError(`Could not find rule '${n}'`);
  if (!force) {
    // The host runs commands with stdin from /dev/null: ufw reads no "y" and gives up.
    const shown = `${rule.forward ? 'route ' : ''}${ruleCommand(rule)}`;
    return ok(`Deleting:\n ${shown}\nProceed with operation (y|n)? Aborted\n`);
  }
  return setRules(iptables, state, rule, true, rule.v6 ? 'v6' : 'v4');
}

/** frontend.set_rule: the IPv4 rule, then its IPv6 twin for a rule on any address. */
function setRules(
  iptables: UfwIptables,
  state: UfwState,
  rule: UfwRule,
  remove: boolean,
  iptype: UfwIpType,
): UfwCommandResult {
  let stderr = '';
  const { rule: normalized, changed } = normalizeAddresses(rule);
  if (changed) stderr += 'WARN: Rule changed after normalization\n';
  const messages: string[] = [];
  if (iptype !== 'v6') messages.push(setRule(iptables, state, withFamily(normalized, false), remove));
  if (iptype !== 'v4') messages.push(setRule(iptables, state, withFamily(normalized, true), remove));
  return ok(`${messages.join('\n')}\n`, stderr);
}

/** normalize_address for IPv4: a /32 is a bare address, a network loses its host bits. */
function normalizeAddresses(rule: UfwRule): { rule: UfwRule; changed: boolean } {
  let changed = false;
  const normalize = (address: string): string => {
    if (isAnywhere(address)) return address;
    const [ip = '', prefix] = address.split('/');
    const canonical = ipaddr.IPv4.parse(ip).toString();
    if (canonical !== ip) changed = true;
    if (prefix === undefined || prefix === '32') return canonical;
    const network = ipaddr.IPv4.networkAddressFromCIDR(`${canonical}/${prefix}`).toString();
    if (network !== canonical) changed = true;
    return `${network}/${Number(prefix)}`;
  };
  return { rule: { ...rule, src: normalize(rule.src), dst: normalize(rule.dst) }, changed };
}

/** backend_iptables.set_rule for one family (position 0: append). */
function setRule(iptables: UfwIptables, state: UfwState, input: UfwRule, remove: boolean): string {
  const rule = normalizeRule(input);
  const v6 = rule.v6 ? ' (v6)' : '';
  if (rule.multi && rule.protocol !== 'tcp' && rule.protocol !== 'udp') {
    throw new UfwError("Must specify 'tcp' or 'udp' with multiple ports");
  }
  const rules = rule.v6 ? state.rules6 : state.rules;
  const next: UfwRule[] = [];
  let found = false;
  let modified = false;
  for (const r of rules) {
    const ret = matchRule(r, rule);
    if (ret === 0 && !found) {
      found = true;
      if (!remove) next.push(rule);
    } else if (ret === -2 && remove && rule.comment === '') {
      found = true;
    } else if (ret < 0 && !remove) {
      found = true;
      modified = true;
      next.push(rule);
    } else {
      next.push(r);
    }
  }
  if (!found && !remove) next.push(rule);
  if (!found && remove) return `Could not delete non-existent rule${v6}`;
  if (found && !remove && !modified) return `Skipping adding existing rule${v6}`;
  if (rule.v6) state.rules6 = next;
  else state.rules = next;
  state.userRulesWritten = true;
  if (!state.enabled) return `Rules updated${v6}`;

  if (modified || (found && remove)) {
    // ufw reloads both families' user rules; only IPv4 is written here.
    reloadUserRules(iptables, state);
    return modified ? `Rule updated${v6}` : `Rule deleted${v6}`;
  }
  if (rule.v6) return `Rule added${v6}`;
  const suffix = userChainSuffix(rule);
  const chain = `ufw-user-${suffix}`;
  if (!chainExists(iptables, chain)) throw new UfwError('Could not update running firewall');
  for (const words of expandRuleArgv(`-A ${chain} ${formatRule(rule)}`, 'ufw', suffix)) {
    iptables(words);
    // "delete any lingering RETURN rules (needed for upgrades)"
    if (/^-A +ufw6?-user-[a-z-]+/.test(words.join(' '))) iptables(['-D', words[1] as string, '-j', 'RETURN']);
  }
  return 'Rule added';
}
