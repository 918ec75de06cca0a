/**
 * The built-in header match of every rule (struct ipt_ip): -s, -d, -i, -o, -p, -f,
 * each with its `!`. Interfaces compare by name; a trailing "+" is a prefix wildcard
 * and a hook without that interface compares against "" (so `! -i X` matches in OUTPUT).
 */

import type { RuleSpec } from '../../types.ts';
import { prefixTest } from '../ip.ts';
import { PROTOCOL_NUMBERS } from '../packet.ts';
import { type MatchFn, MatchOptionError } from './match.ts';

const PROTOCOL_BY_NAME: Record<string, number> = { ...PROTOCOL_NUMBERS, 'ipv6-icmp': 58, all: 0 };

export function protocolNumber(text: string): number {
  const byName = PROTOCOL_BY_NAME[text.toLowerCase()];
  if (byName !== undefined) return byName;
  if (/^\d+$/.test(text) && Number(text) <= 255) return Number(text);
  throw new MatchOptionError(`-p: unknown protocol "${text}" (known: tcp, udp, icmp, all, or a number)`);
}

/** Interface test folded into plain fields, so the header check is one closure (the hot path). */
interface IfaceTest {
  name: string;
  prefix: boolean;
  any: boolean;
  invert: boolean;
}

function ifaceTest(spec: { invert: boolean; value: string } | undefined): IfaceTest | undefined {
  if (!spec) return undefined;
  const v = spec.value;
  return {
    name: v.endsWith('+') ? v.slice(0, -1) : v,
    prefix: v.endsWith('+'),
    any: v === '+',
    invert: spec.invert,
  };
}

function ifaceMatches(t: IfaceTest, dev: string): boolean {
  const hit = t.any || (t.prefix ? dev.startsWith(t.name) : dev === t.name);
  return hit !== t.invert;
}

export function compileHeader(spec: RuleSpec): MatchFn {
  const src = spec.source ? { test: prefixTest(spec.source.value), invert: spec.source.invert } : undefined;
  const dst = spec.destination
    ? { test: prefixTest(spec.destination.value), invert: spec.destination.invert }
    : undefined;
  const iif = ifaceTest(spec.inInterface);
  const oif = ifaceTest(spec.outInterface);
  let proto: { number: number; invert: boolean } | undefined;
  if (spec.protocol) {
    const number = protocolNumber(spec.protocol.value);
    // `-p all` matches everything; `! -p all` nothing.
    proto =
      number === 0
        ? spec.protocol.invert
          ? { number: -1, invert: false }
          : undefined
        : { number, invert: spec.protocol.invert };
  }
  // The twin never fragments: `-f` (second and later fragments) never matches.
  const fragmentOnly = spec.fragment !== undefined && !spec.fragment.invert;
  if (!src && !dst && !iif && !oif && !proto && !fragmentOnly) return () => true;
  return (p) => {
    if (fragmentOnly) return false;
    if (oif && !ifaceMatches(oif, p.outDev)) return false;
    if (iif && !ifaceMatches(iif, p.inDev)) return false;
    if (src && src.test(p.saddr) === src.invert) return false;
    if (dst && dst.test(p.daddr) === dst.invert) return false;
    if (proto && (PROTOCOL_NUMBERS[p.protocol] === proto.number) === proto.invert) return false;
    return true;
  };
}
