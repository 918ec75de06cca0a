/**
 * -j REJECT [--reject-with TYPE]: drops the packet and makes the host send an error
 * back (ICMP port-unreachable by default, or a TCP RST): the client sees "refused"
 * or "unreachable" at once instead of timing out.
 */
import { checkOptions, optionArg, type RejectWith, type TargetModule, TargetOptionError } from './target.ts';

const ALIASES: Record<string, RejectWith> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
  // ip6tables (libip6t_REJECT)
  'icmp6-no-route': 'icmp6-no-route',
  'no-route': 'icmp6-no-route',
  'icmp6-adm-prohibited': 'icmp6-adm-prohibited',
  'adm-prohibited': 'icmp6-adm-prohibited',
  'icmp6-addr-unreachable': 'icmp6-addr-unreachable',
  'addr-unreach': 'icmp6-addr-unreachable',
  'icmp6-port-unreachable': 'icmp6-port-unreachable',
  'icmp6-policy-fail': 'icmp6-policy-fail',
  'policy-fail': 'icmp6-policy-fail',
  'icmp6-reject-route': 'icmp6-reject-route',
  'reject-route': 'icmp6-reject-route',
};

/** The ICMPv6 error (type 1, destination unreachable) code of each ip6tables reject type. */
const ICMP6_CODE: Record<string, number> = {
  'icmp6-no-route': 0,
  'icmp6-adm-prohibited': 1,
  'icmp6-addr-unreachable': 3,
  'icmp6-port-unreachable': 4,
  'icmp6-policy-fail': 5,
  'icmp6-reject-route': 6,
};

/** Is this an ICMPv6 reject type (ip6tables)? */
export function isIcmp6Reject(w: RejectWith): boolean {
  return w.startsWith('icmp6-');
}

/**
 * The error an IPv6 packet gets for a reject type: ICMPv6 types stay; an IPv4 type (the
 * host's own "no neighbour" answer) becomes its ICMPv6 counterpart.
 */
export function icmp6RejectOf(w: Exclude<RejectWith, 'tcp-reset'>): RejectWith {
  if (isIcmp6Reject(w)) return w;
  if (w === 'icmp-port-unreachable') return 'icmp6-port-unreachable';
  if (w === 'icmp-net-unreachable') return 'icmp6-no-route';
  if (w === 'icmp-host-unreachable') return 'icmp6-addr-unreachable';
  return 'icmp6-adm-prohibited';
}

/** ICMP destination-unreachable code for each reject type. */
export const REJECT_ICMP_CODE: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
  ...(ICMP6_CODE as Record<
    | 'icmp6-no-route'
    | 'icmp6-adm-prohibited'
    | 'icmp6-addr-unreachable'
    | 'icmp6-port-unreachable'
    | 'icmp6-policy-fail'
    | 'icmp6-reject-route',
    number
  >),
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

export const rejectTarget: TargetModule = {
  name: 'REJECT',
  compile(target) {
    checkOptions(target, ['reject-with']);
    const text = optionArg(target, 'reject-with') ?? 'icmp-port-unreachable';
    const kind = ALIASES[text];
    if (!kind) throw new TargetOptionError(`-j REJECT --reject-with: unknown type "${text}"`);
    const verdict = { kind: 'reject' as const, with: kind };
    return (p) => {
      // The kernel only sends a RST for TCP; for anything else tcp-reset is refused at
      // rule load, so fall back to the ICMP default here.
      if (kind === 'tcp-reset' && p.protocol !== 'tcp')
        return {
          kind: 'reject',
          with: typeof p.saddr === 'bigint' ? 'icmp6-port-unreachable' : 'icmp-port-unreachable',
        };
      return verdict;
    };
  },
};
