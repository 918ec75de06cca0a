/**
 * The extension registry: which `-m` matches and `-j` targets exist, and how many
 * arguments each of their options takes. The rule-spec parser uses it to split tokens;
 * the packet path (src/netfilter/path/) keys its semantics by the same names.
 *
 * Pure data. Option names are stored without the leading dashes, as in `Option.name`.
 */

export interface OptionDef {
  /** Canonical long name, as iptables-save prints it (`dport`, `ctstate`). */
  name: string;
  /** Number of argument tokens after the option. */
  arity: 0 | 1 | 2;
  /** May be preceded by `!`. */
  invertible: boolean;
  /** Other spellings iptables accepts (`destination-port` for `dport`). */
  aliases?: readonly string[];
  /** A free-text argument (`--comment`, `--log-prefix`): quoted on output when needed. */
  text?: boolean;
}

export interface ExtensionDef {
  name: string;
  kind: 'match' | 'target';
  options: readonly OptionDef[];
  /**
   * Order in which iptables-save prints this extension's options, when it is not the
   * order written (libxt_tcp saves --sport before --dport whatever the command said).
   */
  saveOrder?: readonly string[];
  /**
   * Options iptables fills in when absent (`REJECT --reject-with icmp-port-unreachable`);
   * `unless`: not when one of these options is given (`recent --rsource` unless `--rdest`).
   */
  defaults?: ReadonlyArray<{ name: string; args: readonly string[]; unless?: readonly string[] }>;
}

const one = (name: string, invertible = false, aliases?: string[]): OptionDef => ({
  name,
  arity: 1,
  invertible,
  ...(aliases ? { aliases } : {}),
});
const flag = (name: string, invertible = false): OptionDef => ({ name, arity: 0, invertible });
const text = (name: string): OptionDef => ({ name, arity: 1, invertible: false, text: true });

const match = (name: string, options: OptionDef[], extra: Partial<ExtensionDef> = {}): ExtensionDef => ({
  name,
  kind: 'match',
  options,
  ...extra,
});
const target = (name: string, options: OptionDef[], extra: Partial<ExtensionDef> = {}): ExtensionDef => ({
  name,
  kind: 'target',
  options,
  ...extra,
});

const conntrackOptions = [
  'ctstate',
  'ctproto',
  'ctorigsrc',
  'ctorigdst',
  'ctreplsrc',
  'ctrepldst',
  'ctorigsrcport',
  'ctorigdstport',
  'ctreplsrcport',
  'ctrepldstport',
  'ctstatus',
  'ctexpire',
].map((n) => one(n, true));

export const MATCHES: Readonly<Record<string, ExtensionDef>> = {
  tcp: match(
    'tcp',
    [
      one('sport', true, ['source-port']),
      one('dport', true, ['destination-port']),
      { name: 'tcp-flags', arity: 2, invertible: true },
      flag('syn', true),
      one('tcp-option', true),
    ],
    { saveOrder: ['sport', 'dport', 'tcp-option', 'tcp-flags'] },
  ),
  udp: match('udp', [one('sport', true, ['source-port']), one('dport', true, ['destination-port'])], {
    saveOrder: ['sport', 'dport'],
  }),
  icmp: match('icmp', [one('icmp-type', true)]),
  /** ip6tables' ICMPv6 match (libxt_icmp6): `-p ipv6-icmp -m icmp6 --icmpv6-type 128`. */
  icmp6: match('icmp6', [one('icmpv6-type', true)]),
  conntrack: match('conntrack', [...conntrackOptions, one('ctdir')]),
  state: match('state', [one('state', true)]),
  addrtype: match('addrtype', [
    one('src-type', true),
    one('dst-type', true),
    flag('limit-iface-in'),
    flag('limit-iface-out'),
  ]),
  comment: match('comment', [text('comment')]),
  multiport: match('multiport', [
    one('sports', true, ['source-ports']),
    one('dports', true, ['destination-ports']),
    one('ports', true),
  ]),
  set: match('set', [
    { name: 'match-set', arity: 2, invertible: true },
    flag('return-nomatch'),
    flag('update-counters', true),
    flag('update-subcounters', true),
    one('packets-eq', true),
    one('packets-lt'),
    one('packets-gt'),
    one('bytes-eq', true),
    one('bytes-lt'),
    one('bytes-gt'),
  ]),
  mark: match('mark', [one('mark', true)]),
  physdev: match('physdev', [
    one('physdev-in', true),
    one('physdev-out', true),
    flag('physdev-is-in', true),
    flag('physdev-is-out', true),
    flag('physdev-is-bridged', true),
  ]),
  iprange: match('iprange', [one('src-range', true), one('dst-range', true)]),
  limit: match('limit', [one('limit'), one('limit-burst')]),
  mac: match('mac', [one('mac-source', true)]),
  owner: match('owner', [one('uid-owner', true), one('gid-owner', true), flag('socket-exists', true)]),
  pkttype: match('pkttype', [one('pkt-type', true)]),
  // ufw's `limit` rules; libxt_recent saves its defaults (list DEFAULT, full mask, rsource).
  recent: match(
    'recent',
    [
      flag('set', true),
      flag('rcheck', true),
      flag('update', true),
      flag('remove', true),
      one('seconds'),
      flag('reap'),
      one('hitcount'),
      flag('rttl'),
      one('name'),
      one('mask'),
      flag('rsource'),
      flag('rdest'),
    ],
    {
      saveOrder: [
        'set',
        'rcheck',
        'update',
        'remove',
        'seconds',
        'reap',
        'hitcount',
        'rttl',
        'name',
        'mask',
        'rsource',
        'rdest',
      ],
      defaults: [
        { name: 'name', args: ['DEFAULT'] },
        { name: 'mask', args: ['255.255.255.255'] },
        { name: 'rsource', args: [], unless: ['rdest'] },
      ],
    },
  ),
};

export const TARGETS: Readonly<Record<string, ExtensionDef>> = {
  ACCEPT: target('ACCEPT', []),
  DROP: target('DROP', []),
  RETURN: target('RETURN', []),
  REJECT: target('REJECT', [one('reject-with')], {
    defaults: [{ name: 'reject-with', args: ['icmp-port-unreachable'] }],
  }),
  LOG: target('LOG', [
    one('log-level'),
    text('log-prefix'),
    flag('log-tcp-sequence'),
    flag('log-tcp-options'),
    flag('log-ip-options'),
    flag('log-uid'),
  ]),
  DNAT: target('DNAT', [one('to-destination'), flag('random'), flag('persistent')]),
  SNAT: target('SNAT', [one('to-source'), flag('random'), flag('random-fully'), flag('persistent')]),
  MASQUERADE: target('MASQUERADE', [one('to-ports'), flag('random'), flag('random-fully')]),
  MARK: target('MARK', [one('set-mark'), one('set-xmark'), one('and-mark'), one('or-mark'), one('xor-mark')]),
  CONNMARK: target('CONNMARK', [
    one('set-mark'),
    one('set-xmark'),
    one('and-mark'),
    one('or-mark'),
    one('xor-mark'),
    flag('save-mark'),
    flag('restore-mark'),
    one('mask'),
    one('nfmask'),
    one('ctmask'),
  ]),
  REDIRECT: target('REDIRECT', [one('to-ports'), flag('random')]),
  NOTRACK: target('NOTRACK', []),
  CT: target('CT', [
    flag('notrack'),
    one('helper'),
    one('ctevents'),
    one('expevents'),
    one('zone'),
    one('timeout'),
  ]),
  TCPMSS: target('TCPMSS', [one('set-mss'), flag('clamp-mss-to-pmtu')]),
};

/** Targets that end traversal of the packet's current chain without a jump. */
export const STANDARD_VERDICTS: readonly string[] = ['ACCEPT', 'DROP', 'RETURN'];

/** Protocols whose match extension iptables loads implicitly (`-p tcp --dport 80`). */
export const IMPLICIT_PROTOCOL_MATCHES: readonly string[] = ['tcp', 'udp', 'icmp'];

/** The match iptables (or ip6tables) loads for `-p PROTO` and an option it does not know. */
export function implicitMatchOf(protocol: string, family: 'ipv4' | 'ipv6' = 'ipv4'): string | undefined {
  if (family === 'ipv6')
    return protocol === 'ipv6-icmp' ? 'icmp6' : protocol === 'icmp' ? undefined : implicitV4(protocol);
  return implicitV4(protocol);
}

function implicitV4(protocol: string): string | undefined {
  return IMPLICIT_PROTOCOL_MATCHES.includes(protocol) ? protocol : undefined;
}

/** Extensions one family's tool lacks: ip6tables has no `icmp` match, iptables no `icmp6`. */
const FAMILY_ONLY: Readonly<Record<string, 'ipv4' | 'ipv6'>> = { icmp: 'ipv4', icmp6: 'ipv6' };

/** ip6tables' REJECT: ICMPv6 errors, and its own default. */
const REJECT6: ExtensionDef = target('REJECT', [one('reject-with')], {
  defaults: [{ name: 'reject-with', args: ['icmp6-port-unreachable'] }],
});

/** A match by name; with `family`, only one that family's tool has. */
export function findMatch(name: string, family?: 'ipv4' | 'ipv6'): ExtensionDef | undefined {
  if (!Object.hasOwn(MATCHES, name)) return undefined;
  const only = FAMILY_ONLY[name];
  return family !== undefined && only !== undefined && only !== family ? undefined : MATCHES[name];
}

export function findTarget(name: string, family?: 'ipv4' | 'ipv6'): ExtensionDef | undefined {
  if (family === 'ipv6' && name === 'REJECT') return REJECT6;
  return Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
}

/**
 * Resolves a long option the way getopt_long does: exact name or alias first, then an
 * unambiguous prefix (`--to` is `--to-destination` for DNAT).
 */
export function findOption(ext: ExtensionDef, written: string): OptionDef | undefined {
  const exact = ext.options.find((o) => o.name === written || o.aliases?.includes(written));
  if (exact) return exact;
  const prefixed = ext.options.filter(
    (o) => o.name.startsWith(written) || o.aliases?.some((a) => a.startsWith(written)),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
