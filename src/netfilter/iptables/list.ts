/**
 * `iptables -L` and `iptables -S` output, laid out as iptables 1.8 prints it
 * (print_header / print_rule_details / xtables_print_num in xtables): fixed-width
 * columns, K/M/G suffixes unless -x, match text like `ctstate RELATED,ESTABLISHED`.
 */
import { listingAddress } from '../address/index.ts';
import { exactBytes, exactPackets, MAX_COUNTER } from '../ruleset/counters.ts';
import { formatRuleSpec } from '../ruleset/rule-spec.ts';
import { countReferences } from '../ruleset/tables.ts';
import type { Chain, Counters, Inverted, MatchSpec, Option, Rule, Table, TargetSpec } from '../types.ts';
import { networkName, serviceName } from './names.ts';

export interface ListFlags {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

const pad = (s: string, width: number) => s.padEnd(width);
const padLeft = (s: string, width: number) => s.padStart(width);

/** A counter as iptables prints it: exact with -x, else up to 5 digits then K, M, G, T. */
export function formatCount(count: number | bigint, exact: boolean): string {
  const n = BigInt(count);
  if (exact) return padLeft(String(n), 8);
  if (n <= 99999n) return padLeft(String(n), 5);
  // u64 arithmetic as in xtables_print_num: near 2^64 the rounding wraps (2^64-1 prints "0K").
  let v = n;
  for (const unit of ['K', 'M', 'G']) {
    v = ((v + 500n) & MAX_COUNTER) / 1000n;
    if (v <= 9999n) return `${padLeft(String(v), 4)}${unit}`;
  }
  return `${padLeft(String(((v + 500n) & MAX_COUNTER) / 1000n), 4)}T`;
}

/** The compact form used in the policy line ("0 packets, 0 bytes", "103K packets"). */
function compactCount(n: number | bigint, exact: boolean): string {
  return formatCount(n, exact).trim();
}

export function listChains(table: Table, chains: readonly Chain[], flags: ListFlags): string {
  return chains.map((c) => listChain(table, c, flags)).join('\n');
}

function listChain(table: Table, chain: Chain, flags: ListFlags): string {
  const lines: string[] = [];
  if (chain.builtin) {
    const counts = flags.verbose
      ? ` ${compactCount(exactPackets(chain.counters), flags.exact)} packets, ${compactCount(exactBytes(chain.counters), flags.exact)} bytes`
      : '';
    lines.push(`Chain ${chain.name} (policy ${chain.policy ?? 'ACCEPT'}${counts})`);
  } else {
    lines.push(`Chain ${chain.name} (${countReferences(table, chain.name)} references)`);
  }
  let head = '';
  if (flags.lineNumbers) head += `${pad('num', 4)} `;
  if (flags.verbose)
    head += flags.exact
      ? `${padLeft('pkts', 8)} ${padLeft('bytes', 10)} `
      : `${padLeft('pkts', 5)} ${padLeft('bytes', 5)} `;
  head += `${pad('target', 9)} `;
  head += ' prot opt';
  if (flags.verbose) head += ` ${pad('in', 6)} ${pad('out', 6)} `;
  head += ` ${pad('source', 19)} `;
  head += ` ${pad('destination', 19)} `;
  lines.push(head);
  chain.rules.forEach((rule, k) => {
    lines.push(listRule(rule, k + 1, flags));
  });
  return `${lines.join('\n')}\n`;
}

function listRule(rule: Rule, num: number, flags: ListFlags): string {
  const s = rule.spec;
  let line = '';
  if (flags.lineNumbers) line += `${pad(String(num), 4)} `;
  if (flags.verbose)
    line += `${formatCount(exactPackets(rule.counters), flags.exact)} ${formatCount(exactBytes(rule.counters), flags.exact)} `;
  line += `${pad(s.target?.name ?? '', 9)} `;
  line += s.protocol?.invert ? '!' : ' ';
  line += pad(s.protocol?.value ?? 'all', 5);
  line += s.fragment ? `${s.fragment.invert ? '!' : '-'}f ` : '-- ';
  if (flags.verbose) {
    const any = flags.numeric ? '*' : 'any';
    const iface = (v: Inverted<string> | undefined) => (v ? `${v.invert ? '!' : ''}${v.value}` : any);
    line += ` ${pad(iface(s.inInterface), 6)} ${pad(iface(s.outInterface), 6)} `;
  }
  const addr = (v: Inverted<string> | undefined) => {
    const numeric = listingAddress(v?.value);
    const text = flags.numeric ? numeric : v === undefined ? 'anywhere' : networkName(numeric);
    return `${v?.invert ? '!' : ' '}${pad(text, 19)} `;
  };
  line += addr(s.source);
  line += addr(s.destination);
  if (s.target?.goto) line += '[goto] ';
  for (const m of s.matches) line += matchText(m, flags.numeric);
  if (s.target) line += targetText(s.target);
  return line;
}

const opt = (m: { options: Option[] }, name: string) => m.options.find((o) => o.name === name);
const bang = (o: Option) => (o.invert ? '!' : '');

function ports(label: string, o: Option | undefined, numeric: boolean): string {
  if (!o) return '';
  const v = numeric ? (o.args[0] ?? '') : serviceName(o.args[0] ?? '');
  return v.includes(':') ? ` ${label}s:${bang(o)}${v}` : ` ${label}:${bang(o)}${v}`;
}

const TCP_FLAG_BITS: Readonly<Record<string, number>> = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ALL: 0x3f,
  NONE: 0,
};

function tcpFlagBits(list: string | undefined): string {
  const bits = (list ?? '').split(',').reduce((acc, f) => acc | (TCP_FLAG_BITS[f.toUpperCase()] ?? 0), 0);
  return `0x${bits.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * The text a match adds to a listing line, each part with its leading space; ports by
 * service name unless `numeric` (-n).
 */
export function matchText(m: MatchSpec, numeric = true): string {
  switch (m.name) {
    case 'tcp':
    case 'udp': {
      let t = ` ${m.name}${ports('spt', opt(m, 'sport'), numeric)}${ports('dpt', opt(m, 'dport'), numeric)}`;
      const flags = opt(m, 'tcp-flags');
      if (flags) t += ` flags:${bang(flags)}${tcpFlagBits(flags.args[0])}/${tcpFlagBits(flags.args[1])}`;
      return t;
    }
    case 'icmp': {
      const type = opt(m, 'icmp-type');
      return type ? ` icmptype ${bang(type)}${type.args[0]}` : ' icmp';
    }
    case 'conntrack':
      return m.options.map((o) => ` ${o.invert ? '! ' : ''}${o.name} ${o.args.join(' ')}`).join('');
    case 'state': {
      const o = opt(m, 'state');
      return o ? ` ${o.invert ? '! ' : ''}state ${o.args[0]}` : '';
    }
    case 'addrtype': {
      let t = ' ADDRTYPE match';
      for (const o of m.options) {
        if (o.name === 'src-type' || o.name === 'dst-type') t += ` ${o.name} ${bang(o)}${o.args[0]}`;
        else if (o.name === 'limit-iface-in') t += ' limit-in';
        else if (o.name === 'limit-iface-out') t += ' limit-out';
      }
      return t;
    }
    case 'comment':
      return ` /* ${opt(m, 'comment')?.args[0] ?? ''} */`;
    case 'multiport':
      return ` multiport${m.options
        .map((o) => {
          const list = o.args[0] ?? '';
          return ` ${o.name} ${bang(o)}${numeric ? list : list.split(',').map(serviceName).join(',')}`;
        })
        .join('')}`;
    case 'set':
      return m.options
        .map((o) => (o.name === 'match-set' ? ` ${bang(o)}match-set ${o.args.join(' ')}` : ` ${o.name}`))
        .join('');
    case 'mark': {
      const o = opt(m, 'mark');
      return o ? ` mark match ${bang(o)}${o.args[0]}` : '';
    }
    case 'physdev':
      return ` PHYSDEV match${m.options.map((o) => ` ${bang(o)}--${o.name}${o.args.length ? ` ${o.args.join(' ')}` : ''}`).join('')}`;
    case 'iprange':
      return m.options
        .map((o) => ` ${o.name === 'src-range' ? 'source' : 'destination'} IP range ${bang(o)}${o.args[0]}`)
        .join('');
    case 'limit': {
      const rate = opt(m, 'limit')?.args[0] ?? '3/hour';
      return ` limit: avg ${rate} burst ${opt(m, 'limit-burst')?.args[0] ?? '5'}`;
    }
    case 'mac': {
      const o = opt(m, 'mac-source');
      return o ? ` MAC ${bang(o)}${(o.args[0] ?? '').toUpperCase()}` : '';
    }
    case 'owner':
      return m.options
        .map((o) =>
          o.name === 'socket-exists'
            ? ` ${bang(o)}owner socket exists`
            : ` owner ${o.name === 'uid-owner' ? 'UID' : 'GID'} match ${bang(o)}${o.args[0]}`,
        )
        .join('');
    case 'pkttype': {
      const o = opt(m, 'pkt-type');
      return o ? ` PKTTYPE ${o.invert ? '!' : ''}= ${o.args[0]}` : '';
    }
    default:
      return ` ${m.name}`;
  }
}

/** The text a target adds to a listing line. */
export function targetText(t: TargetSpec): string {
  const o = (name: string) => opt(t, name)?.args[0];
  const flagged = (name: string) => opt(t, name) !== undefined;
  switch (t.name) {
    case 'DNAT':
      return `${o('to-destination') ? ` to:${o('to-destination')}` : ''}${flagged('random') ? ' random' : ''}${flagged('persistent') ? ' persistent' : ''}`;
    case 'SNAT':
      return `${o('to-source') ? ` to:${o('to-source')}` : ''}${flagged('random') ? ' random' : ''}${flagged('random-fully') ? ' random-fully' : ''}${flagged('persistent') ? ' persistent' : ''}`;
    case 'MASQUERADE':
      return `${o('to-ports') ? ` masq ports: ${o('to-ports')}` : ''}${flagged('random') ? ' random' : ''}${flagged('random-fully') ? ' random-fully' : ''}`;
    case 'REDIRECT':
      return `${o('to-ports') ? ` redir ports ${o('to-ports')}` : ''}${flagged('random') ? ' random' : ''}`;
    case 'REJECT':
      return ` reject-with ${o('reject-with') ?? 'icmp-port-unreachable'}`;
    case 'LOG': {
      const prefix = o('log-prefix');
      return ` LOG flags 0 level ${o('log-level') ?? '4'}${prefix !== undefined ? ` prefix "${prefix}"` : ''}`;
    }
    case 'MARK':
    case 'CONNMARK':
      return t.options
        .map((x) => ` ${t.name} ${x.name.replace(/-mark$/, '')}${x.args.length ? ` ${x.args[0]}` : ''}`)
        .join('');
    case 'CT':
      return flagged('notrack')
        ? ' CT notrack'
        : ` CT${t.options.map((x) => ` ${x.name} ${x.args.join(' ')}`).join('')}`;
    case 'TCPMSS':
      return flagged('clamp-mss-to-pmtu') ? ' TCPMSS clamp to PMTU' : ` TCPMSS set ${o('set-mss') ?? ''}`;
    default:
      return '';
  }
}

/** `iptables -S`: -P/-N lines for the chains, then their rules; with -v, `-c` counters. */
export function listRules(
  chains: readonly Chain[],
  verbose: boolean,
  only?: { chain: Chain; rule: number },
): string {
  const counters = (c: Counters) => (verbose ? ` -c ${exactPackets(c)} ${exactBytes(c)}` : '');
  const out: string[] = [];
  if (only) {
    const rule = only.chain.rules[only.rule - 1];
    if (rule) out.push(ruleLine(only.chain.name, rule, counters));
    return out.map((l) => `${l}\n`).join('');
  }
  for (const c of chains) {
    out.push(c.builtin ? `-P ${c.name} ${c.policy ?? 'ACCEPT'}${counters(c.counters)}` : `-N ${c.name}`);
  }
  for (const c of chains) for (const r of c.rules) out.push(ruleLine(c.name, r, counters));
  return out.map((l) => `${l}\n`).join('');
}

/** iptables 1.8.9 prints `-c P B` after the matches, before the target (measured). */
function ruleLine(chain: string, rule: Rule, counters: (c: Counters) => string): string {
  const { target, ...matches } = rule.spec;
  const head = formatRuleSpec(matches);
  const tail = target ? formatRuleSpec({ matches: [], target }) : '';
  return `-A ${chain}${head ? ` ${head}` : ''}${counters(rule.counters)}${tail ? ` ${tail}` : ''}`;
}
