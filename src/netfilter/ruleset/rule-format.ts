/**
 * A RuleSpec as iptables-save prints it: `-s -d -i -o -p -f`, then each `-m NAME …` in
 * the order given, then `-j`/`-g`, with values quoted as xtables quotes them.
 */
import type { Inverted, Option, RuleSpec } from '../types.ts';
import { type ExtensionDef, findMatch, findTarget } from './extensions.ts';
import { quoteIfNeeded, quoteSaveString } from './tokenize.ts';

/** Canonical iptables-save text of a rule, without the leading `-A CHAIN `. */
export function formatRuleSpec(spec: RuleSpec): string {
  const parts: string[] = [];
  pushHeader(parts, '-s', spec.source);
  pushHeader(parts, '-d', spec.destination);
  pushHeader(parts, '-i', spec.inInterface);
  pushHeader(parts, '-o', spec.outInterface);
  pushHeader(parts, '-p', spec.protocol);
  if (spec.fragment) {
    if (spec.fragment.invert) parts.push('!');
    parts.push('-f');
  }
  for (const m of spec.matches) {
    parts.push('-m', m.name);
    const def = findMatch(m.name);
    for (const o of m.options) pushOption(parts, def, o);
  }
  if (spec.target) {
    parts.push(spec.target.goto ? '-g' : '-j', spec.target.name);
    const def = findTarget(spec.target.name);
    for (const o of spec.target.options) pushOption(parts, def, o);
  }
  return parts.join(' ');
}

function pushHeader(parts: string[], flag: string, v: Inverted<string> | undefined): void {
  if (!v) return;
  if (v.invert) parts.push('!');
  parts.push(flag, quoteIfNeeded(v.value));
}

function pushOption(parts: string[], def: ExtensionDef | undefined, o: Option): void {
  if (o.invert) parts.push('!');
  parts.push(`--${o.name}`);
  const isText = def?.options.find((d) => d.name === o.name)?.text === true;
  for (const a of o.args) parts.push(isText ? quoteSaveString(a) : quoteIfNeeded(a));
}
