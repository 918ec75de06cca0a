/**
 * The ufw command line (ufw 0.36.2's parser.py and frontend.parse_command), for the
 * subset the model runs: enable, disable, reload, status [verbose|numbered], default,
 * allow|deny|reject|limit rules in their short and full forms, route rules, delete.
 * ufw's own errors keep ufw's words; what ufw accepts but the model does not run is an
 * UfwUnmodelledError that says what it does run. Words are data: nothing is evaluated.
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import {
  ANYWHERE4,
  hexEncode,
  type UfwAction,
  type UfwLogType,
  type UfwProtocol,
  type UfwRule,
} from './rule.ts';

export type UfwPolicy = 'allow' | 'deny' | 'reject';
export type UfwDirection = 'incoming' | 'outgoing' | 'routed';
export type UfwIpType = 'both' | 'v4' | 'v6';

export type UfwCommand =
  | { kind: 'enable' | 'disable' | 'reload' | 'version'; force: boolean }
  | { kind: 'status'; mode: 'plain' | 'verbose' | 'numbered'; force: boolean }
  | { kind: 'default'; policy: UfwPolicy; direction: UfwDirection; force: boolean }
  | { kind: 'rule'; rule: UfwRule; remove: boolean; iptype: UfwIpType; force: boolean }
  | { kind: 'delete-number'; number: number; force: boolean };

/** An error ufw itself reports (`ERROR: …`, exit 1). */
export class UfwError extends Error {}

/** ufw's ValueError: it prints "ERROR: Invalid syntax" and its help text, exit 1. */
export class UfwSyntaxError extends Error {}

/** A form ufw accepts that nettwin's model does not run. */
export class UfwUnmodelledError extends Error {}

export const UFW_MODELLED =
  'enable, disable, reload, status [verbose|numbered], default allow|deny|reject incoming|outgoing|routed, ' +
  'allow|deny|reject|limit [in|out] [on IFACE] [log|log-all] [proto tcp|udp] [from ADDR [port P]] [to ADDR [port P]] [comment C] ' +
  'and the short forms (allow 22/tcp), route allow|deny|reject|limit …, delete RULE, delete N';

function unmodelled(what: string): never {
  throw new UfwUnmodelledError(
    `nettwin's model of ufw does not run ${what}; it runs ${UFW_MODELLED}. Other forms run on real hosts only (--backend dind or twin).`,
  );
}

const RULE_ACTIONS: readonly string[] = ['allow', 'deny', 'reject', 'limit'];
const RULE_COMMANDS: readonly string[] = [...RULE_ACTIONS, 'insert', 'delete', 'prepend'];
const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp'];
const PORTLESS: readonly string[] = ['ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp'];

/** Parses the words after `ufw`. Throws UfwError, UfwSyntaxError or UfwUnmodelledError only. */
export function parseUfwCommand(argv: readonly string[]): UfwCommand {
  const args = [...argv];
  if (args[0]?.toLowerCase() === '--dry-run') unmodelled('"--dry-run"');
  for (const a of args) {
    if (a.startsWith('--rootdir=') || a.startsWith('--datadir=')) unmodelled(`"${echo(a, 40)}"`);
  }
  let force = false;
  if (args[0] !== undefined && ['--force', '-f'].includes(args[0].toLowerCase())) {
    force = true;
    args.shift();
  }
  const first = args[0];
  if (first === undefined) throw new UfwSyntaxError('not enough args');
  const word = first.toLowerCase();
  if (['enable', 'disable', 'reload'].includes(word)) {
    if (args.length !== 1) throw new UfwSyntaxError(`"${word}" takes no arguments`);
    return { kind: word as 'enable' | 'disable' | 'reload', force };
  }
  if (['version', '--version'].includes(word)) {
    if (args.length !== 1) throw new UfwSyntaxError(`"${word}" takes no arguments`);
    return { kind: 'version', force };
  }
  if (word === 'status') return parseStatus(args, force);
  if (word === 'default') return parseDefault(args, force);
  if (['help', '--help', '-h', 'reset', 'logging', 'app', 'show'].includes(word)) unmodelled(`"ufw ${word}"`);
  if (['on', 'off', 'low', 'medium', 'high', 'full', 'list', 'info', 'update'].includes(word)) {
    unmodelled(`"ufw ${echo(word, 20)}"`);
  }
  if (word === 'route') {
    if (args.length < 2 || !RULE_COMMANDS.includes((args[1] ?? '').toLowerCase()))
      throw new UfwSyntaxError('route needs a rule');
    return parseRouteRule(args, force);
  }
  // ufw inserts "rule" before a rule command given more than one word; a lone "allow"
  // is read as an incomplete `default allow`.
  if (args.length < 2 || !RULE_COMMANDS.includes(word)) throw new UfwSyntaxError(`unknown command`);
  return parseRule(args, force);
}

function parseStatus(args: string[], force: boolean): UfwCommand {
  if (args.length === 1) return { kind: 'status', mode: 'plain', force };
  const mode = (args[1] ?? '').toLowerCase();
  if (args.length === 2 && (mode === 'verbose' || mode === 'numbered'))
    return { kind: 'status', mode, force };
  throw new UfwSyntaxError('status takes verbose or numbered');
}

function parseDefault(args: string[], force: boolean): UfwCommand {
  const policy = (args[1] ?? '').toLowerCase();
  if (args.length < 2 || !['allow', 'deny', 'reject'].includes(policy)) throw new UfwSyntaxError('default');
  let direction: UfwDirection = 'incoming';
  if (args.length > 2) {
    const d = (args[2] ?? '').toLowerCase();
    if (d === 'incoming' || d === 'input') direction = 'incoming';
    else if (d === 'outgoing' || d === 'output') direction = 'outgoing';
    else if (d === 'routed' || d === 'forward') direction = 'routed';
    else throw new UfwSyntaxError('default direction');
  }
  return { kind: 'default', policy: policy as UfwPolicy, direction, force };
}

/** UFWCommandRouteRule.parse: both interface clauses allowed; a bare in/out is refused. */
function parseRouteRule(argv: string[], force: boolean): UfwCommand {
  const del = argv.indexOf('delete');
  if (del >= 0 && argv[del + 1] !== undefined && /^\s*[+-]?\d+\s*$/.test(argv[del + 1] as string)) {
    throw new UfwError("'route delete NUM' unsupported. Use 'delete NUM' instead.");
  }
  const s = argv.join(' ');
  let strip: 'in' | 'out' | undefined;
  let iface: string | undefined;
  let ruleArgv = argv;
  if (s.includes(' in on ') && s.includes(' out on ')) {
    strip = argv.indexOf('in') > argv.indexOf('out') ? 'in' : 'out';
    const at = argv.indexOf(strip);
    iface = argv[at + 2];
    ruleArgv = [...argv.slice(0, at), ...argv.slice(at + 3)];
  } else if (
    !/ (in|out) on /.test(s) &&
    !/ app (in|out) /.test(s) &&
    (s.includes(' in ') || s.includes(' out '))
  ) {
    throw new UfwError('Invalid interface clause for route rule');
  }
  const parsed = parseRule(ruleArgv.slice(1), force);
  if (parsed.kind !== 'rule') return parsed;
  parsed.rule.forward = true;
  if (strip && iface !== undefined) setInterface(parsed.rule, strip, iface);
  return parsed;
}

/** UFWCommandRule.parse, from the action word on (ufw's leading "rule" already gone). */
function parseRule(input: string[], force: boolean): UfwCommand {
  const argv = [...input];
  let remove = false;
  if ((argv[0] ?? '').toLowerCase() === 'delete' && argv.length > 1) {
    remove = true;
    argv.shift();
    const n = argv[0] as string;
    if (/^\s*[+-]?\d+\s*$/.test(n)) {
      if (argv.length > 1) throw new UfwSyntaxError('delete NUM takes no more words');
      return { kind: 'delete-number', number: Number.parseInt(n, 10), force };
    }
  } else if (['insert', 'prepend'].includes((argv[0] ?? '').toLowerCase())) {
    unmodelled(`"ufw ${(argv[0] as string).toLowerCase()}"`);
  }
  const action = argv[0] ?? '';
  if (!RULE_ACTIONS.includes(action)) throw new UfwSyntaxError('rule action');
  if (argv.length < 2) throw new UfwSyntaxError('rule');

  let direction: 'in' | 'out' = 'in';
  const second = () => (argv[1] ?? '').toLowerCase();
  if (second() === 'in' || second() === 'out') direction = second() as 'in' | 'out';
  if (argv.length > 2 && argv[2] !== 'on' && (second() === 'in' || second() === 'out')) argv.splice(1, 1);

  let hasInterface = false;
  if (argv.length > 1 && (argv.includes('in') || argv.includes('out'))) {
    if (second() !== 'in' && second() !== 'out') throw new UfwError('Invalid interface clause');
    if (argv.length < 3 || (argv[2] ?? '').toLowerCase() !== 'on')
      throw new UfwError('Invalid interface clause');
    argv.splice(2, 1);
    hasInterface = true;
  }

  let logtype: UfwLogType = '';
  const isLog = (w: string | undefined) => w !== undefined && ['log', 'log-all'].includes(w.toLowerCase());
  const logIdx =
    hasInterface && argv.length > 3 && isLog(argv[3]) ? 3 : argv.length > 2 && isLog(argv[1]) ? 1 : 0;
  if (logIdx > 0) {
    logtype = (argv[logIdx] as string).toLowerCase() as UfwLogType;
    argv.splice(logIdx, 1);
  }
  if (argv.includes('log')) throw new UfwError("Option 'log' not allowed here");
  if (argv.includes('log-all')) throw new UfwError("Option 'log-all' not allowed here");

  let comment = '';
  const c = argv.indexOf('comment');
  if (c >= 0) {
    if (c === argv.length - 1) throw new UfwError("Option 'comment' missing required argument");
    const text = argv[c + 1] as string;
    if (text.includes("'")) throw new UfwSyntaxError('Comment may not contain "\'"');
    comment = hexEncode(text);
    argv.splice(c, 2);
  }
  if (argv.length < 2 || argv.length > 13) throw new UfwSyntaxError('rule length');

  const rule: UfwRule = {
    action: action as UfwAction,
    logtype,
    protocol: 'any',
    dport: 'any',
    sport: 'any',
    dst: ANYWHERE4,
    src: ANYWHERE4,
    multi: false,
    direction,
    forward: false,
    interfaceIn: '',
    interfaceOut: '',
    v6: false,
    comment,
  };
  let iptype: UfwIpType = 'both';
  if (argv.length === 2) {
    shortForm(rule, argv[1] as string);
  } else if ((argv.length + 1) % 2 !== 0) {
    throw new UfwError('Wrong number of arguments');
  } else if (!['from', 'to', 'in', 'out'].some((k) => argv.includes(k))) {
    throw new UfwError("Need 'to' or 'from' clause");
  } else {
    iptype = fullForm(rule, argv);
  }
  return { kind: 'rule', rule, remove, iptype, force };
}

/** `ufw deny 8080`, `ufw allow 22/tcp`, `ufw allow 80,443/tcp`. */
function shortForm(rule: UfwRule, text: string): void {
  const parts = text.split('/');
  if (parts.length > 2) throw new UfwError('Bad port');
  const [port = '', proto = 'any'] = parts;
  if (parts.length === 2 && PORTLESS.includes(proto))
    throw new UfwError(`Invalid port with protocol '${proto}'`);
  if (!/^\d([0-9,:]*\d+)*$/.test(port)) {
    if (port.includes(',') || port.includes(':')) throw new UfwError('Port ranges must be numeric');
    unmodelled(
      `service names or application profiles ("${echo(text, 40)}"): write the port number, e.g. 22/tcp`,
    );
  }
  try {
    setProtocol(rule, proto);
    setPort(rule, port, 'dst');
  } catch (error) {
    if (error instanceof UfwError) throw new UfwError('Bad port');
    throw error;
  }
}

const KEYS: readonly string[] = ['proto', 'from', 'to', 'port', 'app', 'in', 'out'];

/** The PF-style form: words in pairs, `KEY VALUE`. */
function fullForm(rule: UfwRule, argv: string[]): UfwIpType {
  const count = (w: string) => argv.filter((a) => a === w).length;
  if (
    count('to') > 1 ||
    count('from') > 1 ||
    count('proto') > 1 ||
    count('port') > 2 ||
    count('in') > 1 ||
    count('out') > 1 ||
    count('app') > 2 ||
    (count('app') > 0 && count('proto') > 0)
  ) {
    throw new UfwError('Improper rule syntax');
  }
  let fromType: 'any' | 'v4' = 'any';
  let toType: 'any' | 'v4' = 'any';
  let loc: '' | 'src' | 'dst' = '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (i % 2 !== 0 && !KEYS.includes(arg)) throw new UfwError(`Invalid token '${echo(arg, 40)}'`);
    const value = argv[i + 1];
    if (value === undefined) continue;
    if (arg === 'proto') setProtocol(rule, value);
    else if (arg === 'in' || arg === 'out') setInterface(rule, arg, value);
    else if (arg === 'from' || arg === 'to') {
      const address = value.toLowerCase();
      const kind = addressKind(address, arg === 'from' ? 'source' : 'destination');
      if (arg === 'from') {
        fromType = kind === 'any' ? 'any' : 'v4';
        rule.src = kind === 'any' ? ANYWHERE4 : address;
        loc = 'src';
      } else {
        toType = kind === 'any' ? 'any' : 'v4';
        rule.dst = kind === 'any' ? ANYWHERE4 : address;
        loc = 'dst';
      }
    } else if (arg === 'port' || arg === 'app') {
      if (loc === '') throw new UfwError(`Need 'from' or 'to' with '${arg}'`);
      if (arg === 'app') unmodelled('application profiles ("app")');
      if (!/^\d([0-9,:]*\d+)*$/.test(value)) {
        if (value.includes(',') || value.includes(':')) throw new UfwError('Port ranges must be numeric');
        unmodelled(`service names ("${echo(value, 40)}"): write the port number`);
      }
      setPort(rule, value, loc);
    }
  }
  return fromType === 'any' && toType === 'any' ? 'both' : 'v4';
}

/** "any", or an IPv4 address or network (ufw's valid_address); IPv6 is not modelled. */
function addressKind(address: string, which: 'source' | 'destination'): 'any' | 'v4' {
  if (address === 'any') return 'any';
  const [ip = '', prefix, ...rest] = address.split('/');
  if (ip.includes(':') && ipaddr.IPv6.isValid(ip)) unmodelled(`IPv6 addresses ("${echo(address, 60)}")`);
  const validIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ipaddr.IPv4.isValidFourPartDecimal(ip);
  const validPrefix = prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32);
  if (!validIp || !validPrefix || rest.length > 0) {
    if (prefix !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(prefix)) {
      unmodelled(`dotted netmasks ("${echo(address, 60)}"): write the prefix length`);
    }
    throw new UfwError(`Bad ${which} address`);
  }
  return 'v4';
}

function setProtocol(rule: UfwRule, protocol: string): void {
  if (protocol === 'any' || protocol === 'tcp' || protocol === 'udp') {
    rule.protocol = protocol as UfwProtocol;
    return;
  }
  if (PROTOCOLS.includes(protocol)) unmodelled(`protocol "${protocol}" (the model writes tcp, udp or any)`);
  throw new UfwError(`Unsupported protocol '${echo(protocol, 40)}'`);
}

/** UFWRule.set_port: 1-65535, ranges low:high, at most 15 ports. */
function setPort(rule: UfwRule, port: string, loc: 'src' | 'dst'): void {
  const bad = () => new UfwError(`Bad port '${echo(port, 40)}'`);
  if (/^[,:]/.test(port) || /[,:]$/.test(port)) throw bad();
  if ((port.match(/[,:]/g) ?? []).length > 14) throw bad();
  const ports = port.split(',');
  if (ports.length > 1) rule.multi = true;
  const inRange = (p: string) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  const out: string[] = [];
  for (const p of ports) {
    if (/^\d+:\d+$/.test(p)) {
      rule.multi = true;
      const [low = '', high = ''] = p.split(':');
      if (!inRange(low) || !inRange(high) || Number(low) >= Number(high)) throw bad();
      out.push(p);
    } else if (/^\d+$/.test(p)) {
      if (!inRange(p)) throw bad();
      out.push(p);
    } else {
      throw bad();
    }
  }
  if (loc === 'src') rule.sport = out.join(',');
  else rule.dport = out.join(',');
}

/** UFWRule.set_interface, with ufw's messages. */
function setInterface(rule: UfwRule, type: 'in' | 'out', name: string): void {
  if (name.includes('!')) throw new UfwError("Bad interface name: reserved character: '!'");
  if (name.includes(':')) throw new UfwError("Bad interface name: can't use interface aliases");
  if (name === '.' || name === '..') throw new UfwError("Bad interface name: can't use '.' or '..'");
  if (name.length === 0) throw new UfwError('Bad interface name: interface name is empty');
  if (name.length > 15) throw new UfwError('Bad interface name: interface name too long');
  if (!/^[a-zA-Z0-9_\-.+,=%@]+$/.test(name)) throw new UfwError('Bad interface name');
  if (type === 'in') rule.interfaceIn = name;
  else rule.interfaceOut = name;
}
