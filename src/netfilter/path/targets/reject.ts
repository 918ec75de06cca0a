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
};

/** ICMP destination-unreachable code for each reject type. */
export const REJECT_ICMP_CODE: Record<Exclude<RejectWith, 'tcp-reset'>, number> = {
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
        return { kind: 'reject', with: 'icmp-port-unreachable' };
      return verdict;
    };
  },
};
