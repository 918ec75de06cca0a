import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineFirewallResult } from './engine-firewall.ts';

test('engine.sh check: 0 passes, 3 is no check at all, anything else fails with its output', () => {
  assert.equal(engineFirewallResult(3, 'runner-firewall: nothing saved'), undefined);
  assert.equal(engineFirewallResult(0, 'as before')?.ok, true);
  const differs = engineFirewallResult(1, 'iptables-nft table filter differs\n  + :FORWARD DROP\n');
  assert.equal(differs?.ok, false);
  assert.match(differs?.detail ?? '', /\+ :FORWARD DROP/);
  assert.match(engineFirewallResult(2, '')?.detail ?? '', /exited with 2/);
});
