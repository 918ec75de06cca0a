/**
 * Loops and depth refused when a rule is added, with the messages measured on kernel
 * 6.18 in a network namespace (2026-12), iptables 1.8.9:
 *   nft:    `iptables -N L; iptables -A L -j L` → exit 0 (no built-in chain reaches L)
 *           `iptables -A INPUT -j L` → exit 4, "iptables v1.8.9 (nf_tables):  RULE_APPEND
 *           failed (Too many links): rule in chain INPUT"; INPUT→C1→…→C15 fine, C15 -j C16 fails
 *   legacy: `iptables-legacy -A INPUT -j L` → exit 1, "iptables: Too many levels of symbolic
 *           links."; a 70-deep ladder reached from INPUT is accepted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFlow } from '../path/run-flow.ts';
import { NEIGHBOURS, testHost } from '../path/test-support.ts';
import { serializeRuleset } from '../ruleset/serialize.ts';
import { emptyRuleset } from '../ruleset/tables.ts';
import type { Ruleset } from '../types.ts';
import { runIptables } from './run.ts';

const sh = (line: string) => line.split(/\s+/).filter((x) => x !== '');
const nft = (rs: Ruleset, line: string) => runIptables(rs, sh(`iptables ${line}`));
const legacy = (rs: Ruleset, line: string) => runIptables(rs, sh(`iptables-legacy ${line}`));
const NFT_LINKS = (job: string, chain: string) =>
  `iptables v1.8.9 (nf_tables):  ${job} failed (Too many links): rule in chain ${chain}\n`;

describe('jump checks when a rule is added', () => {
  it('nft: a self-jump no built-in chain reaches is accepted; reaching it is refused and undone', () => {
    const rs = emptyRuleset(['filter']);
    nft(rs, '-N L');
    assert.equal(nft(rs, '-A L -j L').exitCode, 0);
    const before = serializeRuleset(rs);
    assert.deepEqual(nft(rs, '-A INPUT -j L'), {
      exitCode: 4,
      stdout: '',
      stderr: NFT_LINKS('RULE_APPEND', 'INPUT'),
    });
    assert.deepEqual(nft(rs, '-I INPUT -j L'), {
      exitCode: 4,
      stdout: '',
      stderr: NFT_LINKS('RULE_INSERT', 'INPUT'),
    });
    assert.equal(serializeRuleset(rs), before, 'the refused rule is not left behind');
    nft(rs, '-A INPUT -j ACCEPT');
    assert.deepEqual(nft(rs, '-R INPUT 1 -g L'), {
      exitCode: 4,
      stdout: '',
      stderr: NFT_LINKS('RULE_REPLACE', 'INPUT'),
    });
    assert.match(serializeRuleset(rs), /-A INPUT -j ACCEPT\n/, '-R keeps the rule it would have replaced');
  });

  it('nft: closing a goto loop behind a built-in chain is refused in the chain of the new rule', () => {
    const rs = emptyRuleset(['filter']);
    nft(rs, '-N L');
    nft(rs, '-N M');
    nft(rs, '-A FORWARD -j L');
    assert.equal(nft(rs, '-A L -g M').exitCode, 0);
    assert.deepEqual(nft(rs, '-A M -j L'), {
      exitCode: 4,
      stdout: '',
      stderr: NFT_LINKS('RULE_APPEND', 'M'),
    });
  });

  it('nft: jump level 16 from a built-in chain is refused, 15 is fine', () => {
    const rs = emptyRuleset(['filter']);
    for (let k = 1; k <= 16; k++) nft(rs, `-N C${k}`);
    let from = 'INPUT';
    for (let k = 1; k <= 15; k++) {
      assert.equal(nft(rs, `-A ${from} -j C${k}`).exitCode, 0, `C${k}`);
      from = `C${k}`;
    }
    assert.deepEqual(nft(rs, '-A C15 -j C16'), {
      exitCode: 4,
      stdout: '',
      stderr: NFT_LINKS('RULE_APPEND', 'C15'),
    });
  });

  it('legacy: a reached loop is ELOOP; a 70-deep ladder is no loop, and a packet walks all of it', () => {
    const rs = emptyRuleset(['filter']);
    legacy(rs, '-N L');
    assert.equal(legacy(rs, '-A L -j L').exitCode, 0);
    assert.deepEqual(legacy(rs, '-A INPUT -j L'), {
      exitCode: 1,
      stdout: '',
      stderr: 'iptables: Too many levels of symbolic links.\n',
    });
    legacy(rs, '-F L');
    for (let k = 1; k <= 70; k++) legacy(rs, `-N C${k}`);
    assert.equal(legacy(rs, '-A FORWARD -j C1').exitCode, 0);
    for (let k = 1; k < 70; k++) assert.equal(legacy(rs, `-A C${k} -j C${k + 1}`).exitCode, 0, `C${k}`);
    legacy(rs, '-A C70 -j DROP');
    const host = testHost(serializeRuleset(rs), NEIGHBOURS);
    const result = runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2', count: 1 });
    assert.equal(result.verdict, 'timeout', 'C70 drops the echo request');
    assert.ok(result.counters.some((c) => c.chain === 'C70' && c.packets === 1));
  });
});
