/** The human path: numbered iptables rules, native nft rules named by their text alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowResult, PathStep } from '../host-types.ts';
import { formatPath } from './format-path.ts';

const step = (over: Partial<PathStep>): PathStep => ({
  packet: 1,
  direction: 'request',
  src: '172.17.0.2',
  dst: '172.17.0.3',
  kind: 'rule',
  text: '',
  ...over,
});

describe('formatPath', () => {
  it('numbers iptables rules and leaves native nft rules unnumbered', () => {
    const result = {
      verdict: 'dropped',
      sent: 1,
      delivered: 0,
      counters: [],
      path: [
        step({ table: 'filter', chain: 'FORWARD', rule: 2, text: '-A FORWARD -j DOCKER-USER' }),
        step({ text: 'nft inet guard forward: ip saddr 172.17.0.2 drop => drop' }),
      ],
    } as unknown as FlowResult;
    const text = formatPath(result);
    assert.match(text, /rule {3}#2 -A FORWARD -j DOCKER-USER/);
    assert.match(text, /rule {3}nft inet guard forward: ip saddr 172\.17\.0\.2 drop => drop/);
    assert.doesNotMatch(text, /undefined/);
  });
});
