import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nftCountersOf } from '../netfilter/firewall-state.ts';
import { hostileText } from '../netfilter/hostile-text.test-helper.ts';
import { emptyRuleset } from '../netfilter/ruleset/index.ts';
import { DindFirewall, nativeTableNames } from './firewall-io.ts';

test('iptables-nft tables (ip and ip6, iptables names) are left to iptables-save; the rest is native', () => {
  // `nft list tables` on a 28.5 DinD host with a native table beside Docker's.
  const listing =
    'table ip nat\ntable ip filter\ntable ip6 nat\ntable ip6 filter\ntable inet guard\ntable ip late\n';
  assert.deepEqual(nativeTableNames(listing), [
    { family: 'inet', name: 'guard' },
    { family: 'ip', name: 'late' },
  ]);
  // An inet table named like iptables' is not iptables-nft's: it has no inet tables.
  assert.deepEqual(nativeTableNames('table inet filter\n'), [{ family: 'inet', name: 'filter' }]);
});

test('property: whatever nft prints, only well-formed table lines become names (argv, never shell)', () => {
  fc.assert(
    fc.property(fc.array(hostileText, { maxLength: 6 }), (lines) => {
      for (const t of nativeTableNames(lines.join('\n'))) {
        assert.match(t.family, /^(ip|ip6|inet|arp|bridge|netdev)$/);
        assert.match(t.name, /^\S+$/);
      }
    }),
  );
});

/** A host whose nft knows no `reset rules` (bookworm's 1.0.6): counters move, nothing resets them. */
function oldNftHost() {
  let packets = 5;
  const calls: string[][] = [];
  const listing = () =>
    `table inet guard {\n\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n\t\tcounter packets ${packets} bytes ${packets * 84} accept\n\t}\n}\n`;
  const host = {
    name: 'fake',
    calls,
    send(n: number) {
      packets += n;
    },
    async exec(argv: string[]) {
      calls.push(argv);
      const line = argv.join(' ');
      if (line === 'nft list tables')
        return { exitCode: 0, stdout: 'table ip filter\ntable inet guard\n', stderr: '' };
      if (line === 'nft list table inet guard') return { exitCode: 0, stdout: listing(), stderr: '' };
      if (line.startsWith('nft reset rules'))
        return { exitCode: 1, stdout: '', stderr: 'Error: syntax error' };
      if (line === 'iptables-legacy-save -c') return { exitCode: 0, stdout: '', stderr: '' };
      return { exitCode: 127, stdout: '', stderr: `unexpected ${line}` };
    },
    async iptablesSave() {
      return emptyRuleset(['filter']);
    },
    async zeroCounters() {},
  };
  return host;
}

test('without `nft reset rules` the counters at zeroing are a baseline: a step counts only its own packets', async () => {
  const host = oldNftHost();
  const firewall = new DindFirewall(host);
  await firewall.zero();
  host.send(3);
  assert.deepEqual(
    nftCountersOf(await firewall.counters()).map((r) => [r.table, r.chain, r.text, r.packets, r.bytes]),
    [['guard', 'forward', 'accept', 3, 252]],
  );
  // Legacy tables: none on this host, so none was zeroed (zeroing would create one).
  assert.ok(!host.calls.some((c) => c[0] === 'iptables-legacy'));
  // Every command was an argv; nothing went through a shell.
  assert.ok(host.calls.every((c) => c[0] !== 'sh'));
});
