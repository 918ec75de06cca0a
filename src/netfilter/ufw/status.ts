/**
 * `ufw status [verbose|numbered]` as ufw 0.36.2 prints it (backend_iptables.get_status),
 * and the command a numbered rule stands for (parser.get_command, in `delete N`'s prompt).
 */
import { hexDecode, isAnywhere, type UfwRule } from './rule.ts';
import type { UfwPolicyTarget, UfwState } from './state.ts';

const pad = (s: string, n: number) => s.padEnd(n, ' ');
const line = (to: string, action: string, from: string) => `${pad(to, 26)} ${pad(action, 12)}${from}\n`;

function location(r: UfwRule, loc: 'dst' | 'src'): string {
  const address = loc === 'dst' ? r.dst : r.src;
  const port = loc === 'dst' ? r.dport : r.sport;
  let text = isAnywhere(address) ? '' : address;
  if (port !== 'any') {
    text = text === '' ? port : `${text} ${port}`;
    if (r.protocol !== 'any') text += `/${r.protocol}`;
  }
  if (port === 'any') {
    if (isAnywhere(address)) {
      text = 'Anywhere';
      if (r.protocol !== 'any' && r.dst === r.src && r.dport === r.sport) text += `/${r.protocol}`;
      if (address === '::/0') text += ' (v6)';
    } else if (r.protocol !== 'any' && r.dport === r.sport) {
      text += `/${r.protocol}`;
    }
  } else if (r.v6 && r.src === '::/0' && r.dst === '::/0' && !text.includes(' (v6)')) {
    text += ' (v6)';
  }
  // Route rules report the incoming interface under From; others under To.
  const iface = r.forward
    ? loc === 'src'
      ? r.interfaceIn
      : r.interfaceOut
    : loc === 'dst'
      ? r.interfaceIn
      : r.interfaceOut;
  if (iface !== '') text += ` on ${iface}`;
  return text;
}

function ruleLine(r: UfwRule, count: number, verbose: boolean, numbered: boolean): string {
  const attribs: string[] = [];
  if (r.logtype !== '') attribs.push(r.logtype);
  if (numbered && r.direction === 'out') attribs.push(r.direction);
  const attrib = attribs.length > 0 ? ` (${attribs.join(', ')})` : '';
  let dir = r.forward ? 'FWD' : r.direction.toUpperCase();
  if (r.direction === 'in' && !r.forward && !verbose && !numbered) dir = '';
  const comment = r.comment === '' ? '' : ` # ${hexDecode(r.comment)}`;
  const prefix = numbered ? `[${String(count).padStart(2, ' ')}] ` : '';
  return `${prefix}${pad(location(r, 'dst'), 26)} ${pad(`${r.action.toUpperCase()} ${dir}`, 12)}${pad(location(r, 'src'), 26)}${attrib}${comment}\n`;
}

const policyWord = (t: UfwPolicyTarget) => (t === 'ACCEPT' ? 'allow' : t === 'REJECT' ? 'reject' : 'deny');

/** The status text (without the newline ufw's msg() adds). `ipForward`: net.ipv4.ip_forward is 1. */
export function statusText(
  state: UfwState,
  mode: 'plain' | 'verbose' | 'numbered',
  ipForward: boolean,
): string {
  if (!state.enabled) return 'Status: inactive';
  const verbose = mode === 'verbose';
  const numbered = mode === 'numbered';
  let s = '';
  let out = '';
  let routed = '';
  [...state.rules, ...state.rules6].forEach((r, i) => {
    const text = ruleLine(r, i + 1, verbose, numbered);
    if (numbered) s += text;
    else if (r.forward) routed += text;
    else if (r.direction === 'out') out += text;
    else s += text;
  });
  let table = '';
  if (s !== '' || out !== '' || routed !== '') {
    const indent = numbered ? '     ' : '';
    table = `\n\n${indent}${line('To', 'Action', 'From')}${indent}${line('--', '------', '----')}`;
    table += s;
    if (s !== '' && out !== '') table += '\n';
    table += out;
    if (s !== '' && routed !== '') table += '\n';
    table += routed;
  }
  if (!verbose) return `Status: active${table}`;
  const forward = ipForward ? policyWord(state.policy.forward) : 'disabled';
  return (
    'Status: active\nLogging: on (low)\n' +
    `Default: ${policyWord(state.policy.input)} (incoming), ${policyWord(state.policy.output)} (outgoing), ${forward} (routed)\n` +
    `New profiles: skip${table}`
  );
}

/** parser.get_command: the command that adds a rule (`delete N` shows it before asking). */
export function ruleCommand(r: UfwRule): string {
  let res: string = r.action;
  const comment = r.comment === '' ? '' : ` comment '${hexDecode(r.comment)}'`;
  if (
    isAnywhere(r.dst) &&
    isAnywhere(r.src) &&
    r.sport === 'any' &&
    r.interfaceIn === '' &&
    r.interfaceOut === '' &&
    r.dport !== 'any'
  ) {
    if (r.direction === 'out') res += ` ${r.direction}`;
    if (r.logtype !== '') res += ` ${r.logtype}`;
    res += ` ${r.dport}`;
    if (r.protocol !== 'any') res += `/${r.protocol}`;
    return `${res}${comment}`;
  }
  if (r.interfaceIn !== '') res += ` in on ${r.interfaceIn}`;
  if (r.interfaceOut !== '') res += ` out on ${r.interfaceOut}`;
  else if (r.direction === 'out') res += ` ${r.direction}`;
  if (r.logtype !== '') res += ` ${r.logtype}`;
  for (const [dir, address, port] of [
    ['from', r.src, r.sport],
    ['to', r.dst, r.dport],
  ] as const) {
    const where = isAnywhere(address) ? 'any' : address;
    if (where !== 'any' || port !== 'any') {
      res += ` ${dir} ${where}`;
      if (port !== 'any') res += ` port ${port}`;
    }
  }
  if (!res.includes(' to ') && !res.includes(' from ') && r.interfaceIn === '' && r.interfaceOut === '')
    res += ' to any';
  if (r.protocol !== 'any') res += ` proto ${r.protocol}`;
  return `${res}${comment}`;
}
