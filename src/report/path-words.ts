/**
 * Plain words for the packet path, for readers who never opened iptables: what each
 * hook and table is for, and whether a step let the packet through, stopped it or
 * rewrote its addresses.
 */
import type { PathStep } from '../netfilter/host-types.ts';
import type { Hook, TableName } from '../netfilter/types.ts';

export const HOOK_WORDS: Record<Hook, string> = {
  PREROUTING: 'Just arrived',
  INPUT: 'Addressed to this host',
  FORWARD: 'Passing through this host',
  OUTPUT: 'Sent by this host',
  POSTROUTING: 'About to leave',
};

export const TABLE_WORDS: Record<TableName, string> = {
  raw: 'before tracking',
  mangle: 'marking',
  nat: 'address rewriting',
  filter: 'allow or block',
  security: 'security marks',
};

/** How a step is coloured. */
export type Tone = 'accept' | 'drop' | 'nat' | 'neutral' | 'route';

export const TONE_COLOURS: Record<Tone, { stroke: string; fill: string; text: string }> = {
  accept: { stroke: '#2e7d32', fill: '#e8f5e9', text: '#1b5e20' },
  drop: { stroke: '#c62828', fill: '#ffebee', text: '#b71c1c' },
  nat: { stroke: '#ef6c00', fill: '#fff3e0', text: '#e65100' },
  neutral: { stroke: '#757575', fill: '#f5f5f5', text: '#424242' },
  route: { stroke: '#1565c0', fill: '#e3f2fd', text: '#0d47a1' },
};

export const TONE_WORDS: Record<Tone, string> = {
  accept: 'let through',
  drop: 'stopped',
  nat: 'address rewritten (NAT)',
  neutral: 'looked at, moved on',
  route: 'routing / tracking',
};

const targetOf = (text: string) => /(?:^|\s)-[jg] (\S+)/.exec(text)?.[1];

export function toneOf(step: PathStep): Tone {
  switch (step.kind) {
    case 'drop':
      return 'drop';
    case 'deliver':
    case 'socket':
      return 'accept';
    case 'nat':
      return 'nat';
    case 'route':
    case 'conntrack':
      return 'route';
    case 'policy':
      return /\bDROP\b/.test(step.text) ? 'drop' : 'accept';
    case 'rule': {
      const target = targetOf(step.text);
      if (target === 'DROP' || target === 'REJECT') return 'drop';
      if (target === 'ACCEPT') return 'accept';
      if (target && ['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT'].includes(target)) return 'nat';
      return 'neutral';
    }
    default:
      return 'neutral';
  }
}

/** A short plain-words label for one step, shown before its iptables text. */
export function stepWords(step: PathStep): string {
  const table = step.table ? `${step.table} (${TABLE_WORDS[step.table]})` : '';
  switch (step.kind) {
    case 'hook':
      return table ? `enters ${table}` : 'hook';
    case 'rule':
      return `${step.table ?? ''} ${step.chain ?? ''} rule ${step.rule ?? '?'} matched`.trim();
    case 'policy':
      return `${step.table ?? ''} ${step.chain ?? ''}: no rule decided, chain policy`.trim();
    case 'route':
      return 'routing decision';
    case 'conntrack':
      return 'connection tracking';
    case 'nat':
      return 'address rewritten';
    case 'deliver':
      return 'delivered';
    case 'drop':
      return 'dropped';
    case 'socket':
      return 'handed to a program';
    case 'note':
      return 'note';
  }
}
