/**
 * Match and target options as iptables-save prints them, whatever the user typed:
 * service names as port numbers, `--syn` as its flags, ICMP type names as numbers,
 * conntrack states in libxt's order, limit units by their short names, defaults filled in.
 */
import type { MatchSpec, Option, TargetSpec } from '../types.ts';
import type { ExtensionDef } from './extensions.ts';
import { RuleSpecError } from './rule-spec-error.ts';

const TCP_SYN_FLAGS = ['FIN,SYN,RST,ACK', 'SYN'];
const SERVICE_PORTS: Readonly<Record<string, string>> = {
  ssh: '22',
  domain: '53',
  http: '80',
  https: '443',
  ntp: '123',
  smtp: '25',
};
const ICMP_TYPES: Readonly<Record<string, string>> = {
  any: 'any',
  'echo-reply': '0',
  pong: '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'echo-request': '8',
  ping: '8',
  'time-exceeded': '11',
  'parameter-problem': '12',
};

/** libxt_icmp6 prints types (and codes) as numbers. */
const ICMPV6_TYPES: Readonly<Record<string, string>> = {
  'destination-unreachable': '1',
  'no-route': '1/0',
  'communication-prohibited': '1/1',
  'address-unreachable': '1/3',
  'port-unreachable': '1/4',
  'packet-too-big': '2',
  'time-exceeded': '3',
  'parameter-problem': '4',
  'echo-request': '128',
  ping: '128',
  'echo-reply': '129',
  pong: '129',
  'router-solicitation': '133',
  'router-advertisement': '134',
  'neighbour-solicitation': '135',
  'neighbor-solicitation': '135',
  'neighbour-advertisement': '136',
  'neighbor-advertisement': '136',
  redirect: '137',
};

/** libxt_limit prints a rate with its unit's short name (`3/minute` is saved as `3/min`). */
const LIMIT_UNITS: Readonly<Record<string, string>> = {
  second: 'sec',
  sec: 'sec',
  s: 'sec',
  minute: 'min',
  min: 'min',
  m: 'min',
  hour: 'hour',
  h: 'hour',
  day: 'day',
  d: 'day',
};

function canonicalRate(value: string): string {
  const [count, unit = 'sec'] = value.split('/');
  return `${count}/${LIMIT_UNITS[unit] ?? unit}`;
}

function canonicalPort(value: string): string {
  const parts = value.split(':').map((p) => SERVICE_PORTS[p] ?? p);
  if (parts.length > 2 || parts.some((p) => p !== '' && !/^\d+$/.test(p))) {
    throw new RuleSpecError('bad-value', `invalid port/service "${value}" specified`, value, -1);
  }
  return parts.join(':');
}

/** The order libxt_conntrack and libxt_state print states in, whatever order was typed. */
const CT_STATE_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function canonicalStates(value: string): string {
  const states = value.split(',');
  const rank = (s: string) => {
    const r = CT_STATE_ORDER.indexOf(s.toUpperCase());
    return r < 0 ? CT_STATE_ORDER.length : r;
  };
  return states
    .map((s, index) => ({ s, index }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.index - b.index)
    .map((x) => x.s)
    .join(',');
}

export function canonicalMatch(def: ExtensionDef, m: MatchSpec): MatchSpec {
  let options: Option[] = m.options.map((o) => {
    if ((def.name === 'tcp' || def.name === 'udp') && (o.name === 'sport' || o.name === 'dport')) {
      return { ...o, args: [canonicalPort(o.args[0] as string)] };
    }
    if (def.name === 'tcp' && o.name === 'syn')
      return { name: 'tcp-flags', invert: o.invert, args: [...TCP_SYN_FLAGS] };
    if (def.name === 'limit' && o.name === 'limit')
      return { ...o, args: [canonicalRate(o.args[0] as string)] };
    if (def.name === 'icmp' && o.name === 'icmp-type') {
      return { ...o, args: [ICMP_TYPES[o.args[0] as string] ?? (o.args[0] as string)] };
    }
    if (def.name === 'icmp6' && o.name === 'icmpv6-type') {
      return { ...o, args: [ICMPV6_TYPES[o.args[0] as string] ?? (o.args[0] as string)] };
    }
    if ((def.name === 'conntrack' && o.name === 'ctstate') || (def.name === 'state' && o.name === 'state')) {
      return { ...o, args: [canonicalStates(o.args[0] as string)] };
    }
    return o;
  });
  for (const d of def.defaults ?? []) {
    const present = (name: string) => options.some((o) => o.name === name);
    if (!present(d.name) && !d.unless?.some(present))
      options.push({ name: d.name, invert: false, args: [...d.args] });
  }
  if (def.saveOrder) {
    const order = def.saveOrder;
    const rank = (o: Option) => {
      const r = order.indexOf(o.name);
      return r < 0 ? order.length : r;
    };
    options = options
      .map((o, index) => ({ o, index }))
      .sort((a, b) => rank(a.o) - rank(b.o) || a.index - b.index)
      .map((x) => x.o);
  }
  return { name: m.name, options };
}

export function canonicalTarget(def: ExtensionDef, t: TargetSpec): TargetSpec {
  const options = [...t.options];
  for (const d of def.defaults ?? []) {
    if (!options.some((o) => o.name === d.name))
      options.push({ name: d.name, invert: false, args: [...d.args] });
  }
  return { name: t.name, goto: t.goto, options };
}
