import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reloadsFirewalld, settleAfterFirewalldReload, settleFirewallTo } from './firewalld-reload.ts';

test('a firewalld reload is recognised in a shell line or an argv, nothing else is', () => {
  assert.ok(reloadsFirewalld('firewall-cmd --reload'));
  assert.ok(reloadsFirewalld(['/usr/bin/firewall-cmd', '--complete-reload']));
  assert.ok(!reloadsFirewalld('firewall-cmd --zone=public --add-port=8080/tcp'));
  assert.ok(!reloadsFirewalld('echo --reload'));
  assert.ok(!reloadsFirewalld('nft list ruleset'));
});

test('the reload waits until the host shows the state from before, and gives up after the timeout', async () => {
  const states = ['half', 'half', 'before'];
  let reads = 0;
  const host = {
    exec: async () => ({ exitCode: 0, stdout: states[Math.min(reads++, 2)] as string, stderr: '' }),
  };
  assert.equal(await settleAfterFirewalldReload(host, 'before', { intervalMs: 1 }), true);
  assert.equal(reads, 3);
  const never = { exec: async () => ({ exitCode: 0, stdout: 'half', stderr: '' }) };
  assert.equal(await settleAfterFirewalldReload(never, 'before', { intervalMs: 1, timeoutMs: 5 }), false);
});

test('the same lines in another order settle once they hold still for one more reading', async () => {
  const before = 'a\nb\nc';
  // Mid-restore: every line present, then a jump deleted and inserted again, then still.
  const states = ['a\nc', 'c\nb\na', 'c\na', 'c\na\nb', 'c\na\nb'];
  let reads = 0;
  const host = {
    exec: async () => ({
      exitCode: 0,
      stdout: states[Math.min(reads++, states.length - 1)] as string,
      stderr: '',
    }),
  };
  assert.equal(await settleAfterFirewalldReload(host, before, { intervalMs: 1 }), true);
  assert.equal(reads, 5);
});

test('with a predicted firewall, the wait ends at the first read that matches it', async () => {
  // A restore that adds what was not there before (26.1: a removed network's rules come back).
  const states = ['half', 'half', 'before', 'before+removed', 'before+removed'];
  let reads = 0;
  const read = async () => states[Math.min(reads++, states.length - 1)] as string;
  assert.equal(await settleFirewallTo(read, (s) => s === 'before+removed', { intervalMs: 1 }), true);
  assert.equal(reads, 4);
});

test('a predicted firewall never reached: the wait gives up after its timeout, false', async () => {
  let reads = 0;
  const read = async () => {
    reads++;
    return 'other';
  };
  assert.equal(
    await settleFirewallTo(read, (s) => s === 'predicted', { timeoutMs: 20, intervalMs: 5 }),
    false,
  );
  assert.ok(reads >= 2);
});
