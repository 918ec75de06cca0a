import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { parseRuleset } from '../netfilter/ruleset/parse.ts';
import { engineImageVersion, plumbingEngineFor } from './plumbing-engine.ts';
import { existingBuiltinsOnly, plumbingDaemonOptions, predictedFirewallTexts } from './predicted-rules.ts';

test('Docker 29 is plumbed by a 28.5 host; engines of their own are not', () => {
  assert.equal(plumbingEngineFor('29.7'), '28.5');
  assert.equal(plumbingEngineFor('29.7.2'), '28.5');
  assert.equal(plumbingEngineFor('28.5'), undefined);
  assert.equal(engineImageVersion('29.7'), '28.5');
  assert.equal(engineImageVersion('20.10'), '20.10');
});

test('the plumbing daemon gets the scenario options without a firewall, and with its firewall off', () => {
  assert.deepEqual(plumbingDaemonOptions(['--firewall-backend=nftables', '--userland-proxy=false']), [
    '--userland-proxy=false',
    '--iptables=false',
    '--ip6tables=false',
  ]);
  assert.deepEqual(
    plumbingDaemonOptions(['--firewall-backend', 'iptables', '--iptables=true', '--icc=false']),
    ['--iptables=false', '--ip6tables=false'],
  );
});

test('whatever the options, the plumbing daemon never writes rules and keeps the others in order', () => {
  const option = fc.constantFrom(
    '--userland-proxy=false',
    '--icc=false',
    '--allow-direct-routing',
    '--firewall-backend=nftables',
    '--iptables=true',
    '--ip6tables',
    '--icc=false',
  );
  fc.assert(
    fc.property(fc.array(option, { maxLength: 6 }), (options) => {
      const out = plumbingDaemonOptions(options);
      assert.deepEqual(out.slice(-2), ['--iptables=false', '--ip6tables=false']);
      assert.deepEqual(
        out.slice(0, -2),
        options.filter((o) => !/^--(firewall-backend|ip6?tables|icc)/.test(o)),
      );
    }),
  );
});

const DUMP = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;

test('only built-in chains iptables-nft has are named: with a rule, a DROP policy, or registered', () => {
  const names = (rs: ReturnType<typeof parseRuleset>, table: string) =>
    rs.tables.find((t) => t.name === table)?.chains.map((c) => c.name);
  const plain = existingBuiltinsOnly(parseRuleset(DUMP), new Set());
  assert.deepEqual(names(plain, 'filter'), ['FORWARD', 'DOCKER-USER']);
  assert.deepEqual(names(plain, 'raw'), []);
  // raw PREROUTING lost its rules but stays registered (Docker 28's daemon restart).
  const kept = existingBuiltinsOnly(parseRuleset(DUMP), new Set(['raw/PREROUTING']));
  assert.deepEqual(names(kept, 'raw'), ['PREROUTING']);
  const dropped = existingBuiltinsOnly(parseRuleset(DUMP.replace(':INPUT ACCEPT', ':INPUT DROP')), new Set());
  assert.deepEqual(names(dropped, 'filter'), ['INPUT', 'FORWARD', 'DOCKER-USER']);
});

test('the predicted iptables go to iptables-restore; Docker 29 nft tables replace themselves atomically', () => {
  const nft = parseNftRuleset(
    'table ip docker-bridges {\n\tchain raw-PREROUTING {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tip daddr 192.0.2.2 iifname != "bridge1" counter packets 3 bytes 252 drop comment "DROP DIRECT ACCESS"\n\t}\n}\ntable inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n',
    { file: 'test' },
  );
  const state: HostFirewallState = [
    { framework: 'iptables-nft', family: 'ipv4', ruleset: parseRuleset(DUMP) },
    { framework: 'nftables', ruleset: nft },
  ];
  const texts = predictedFirewallTexts(state);
  assert.match(texts.iptables, /^\*filter\n:FORWARD ACCEPT/);
  assert.ok(!texts.iptables.includes(':INPUT'));
  const script = texts.nft ?? assert.fail('no nft script');
  assert.ok(
    script.startsWith(
      'table ip docker-bridges {}\ndelete table ip docker-bridges\ntable ip docker-bridges {',
    ),
  );
  assert.ok(!script.includes('inet filter'), 'native tables a scenario made are not reloaded');
  assert.ok(!script.includes('packets 3'), 'counters start at zero');
  assert.equal(predictedFirewallTexts(state.slice(0, 1)).nft, undefined);
});

const DUMP6 = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d fd00:2::2/128 ! -i br6b -j DROP
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;

test('IPv6: ip6tables text only once the model has ip6tables tables; the ip6 docker-bridges table beside the ip one', () => {
  const v4: HostFirewallState = [{ framework: 'iptables-nft', family: 'ipv4', ruleset: parseRuleset(DUMP) }];
  assert.equal(predictedFirewallTexts(v4).ip6tables, undefined, 'no IPv6 network: ip6tables is left alone');
  const ip6 = parseRuleset(DUMP6, { family: 'ipv6' });
  const texts = predictedFirewallTexts([...v4, { framework: 'iptables-nft', family: 'ipv6', ruleset: ip6 }]);
  const text6 = texts.ip6tables ?? assert.fail('no ip6tables text');
  assert.match(text6, /-A PREROUTING -d fd00:2::2\/128 ! -i br6b -j DROP/);
  assert.match(text6, /:FORWARD DROP/);
  assert.ok(!text6.includes(':INPUT') && !text6.includes(':OUTPUT'), 'empty ACCEPT built-ins are not made');
  const nft = parseNftRuleset(
    'table ip docker-bridges {\n}\ntable ip6 docker-bridges {\n\tchain raw-PREROUTING {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tip6 daddr fd00:2::2 iifname != "br6b" counter packets 0 bytes 0 drop comment "DROP DIRECT ACCESS"\n\t}\n}\n',
    { file: 'test' },
  );
  const script = predictedFirewallTexts([...v4, { framework: 'nftables', ruleset: nft }]).nft ?? '';
  assert.match(script, /delete table ip docker-bridges\n/);
  assert.match(
    script,
    /table ip6 docker-bridges \{\}\ndelete table ip6 docker-bridges\ntable ip6 docker-bridges \{/,
  );
  assert.match(script, /ip6 daddr fd00:2::2 iifname != "br6b" counter drop comment "DROP DIRECT ACCESS"/);
});
