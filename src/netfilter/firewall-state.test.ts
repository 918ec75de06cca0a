import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type HostCounters,
  type HostFirewallState,
  iptablesCountersOf,
  iptablesOf,
  iptablesStateOf,
  materializedBuiltinsOf,
  nftablesOf,
  nftCountersOf,
  nftRowLabel,
  nftRowText,
  parseNftRowLabel,
  setIptables,
  setNftables,
} from './firewall-state.ts';
import { hostileText } from './hostile-text.test-helper.ts';
import { emptyRuleset } from './ruleset/index.ts';

test('a rule is named without its counter (with or without values) and without its handle', () => {
  assert.equal(nftRowText('ip saddr 10.0.0.1 counter packets 3 bytes 252 drop'), 'ip saddr 10.0.0.1 drop');
  assert.equal(nftRowText('ip saddr 10.0.0.1 counter drop'), 'ip saddr 10.0.0.1 drop');
  assert.equal(nftRowText('counter packets 0 bytes 0 accept # handle 7'), 'accept');
  assert.equal(nftRowText('  ct   state new  accept '), 'ct state new accept');
  // A comment is data: its words stay, even one that reads "counter".
  assert.equal(
    nftRowText('counter packets 1 bytes 2 comment "counter packets 1 bytes 2" accept'),
    'comment "counter packets 1 bytes 2" accept',
  );
  // Words that only contain "counter" are not the statement.
  assert.equal(nftRowText('meta mark set 0x1 counters2 accept'), 'meta mark set 0x1 counters2 accept');
});

test('labels name family, table, chain and rule; anything else is not a label', () => {
  assert.deepEqual(parseNftRowLabel('inet filter forward: ct state new counter accept'), {
    family: 'inet',
    table: 'filter',
    chain: 'forward',
    text: 'ct state new accept',
  });
  assert.equal(parseNftRowLabel('-A FORWARD -j DOCKER-USER'), undefined);
  assert.equal(parseNftRowLabel(':FORWARD DROP'), undefined);
  assert.equal(parseNftRowLabel('ipx filter forward: accept'), undefined);
  assert.equal(
    nftRowLabel({
      family: 'ip',
      table: 'late',
      chain: 'forward',
      text: 'icmp type echo-request counter drop',
    }),
    'ip late forward: icmp type echo-request drop',
  );
});

test('property: nftRowText is idempotent and never leaves a counter statement or blank runs', () => {
  const word = fc.constantFrom(
    'ip',
    'saddr',
    '10.0.0.1',
    'ct',
    'state',
    'new',
    'accept',
    'drop',
    'jump',
    'x',
  );
  const counter = fc.oneof(
    fc.constant('counter'),
    fc.tuple(fc.nat(), fc.nat()).map(([p, b]) => `counter packets ${p} bytes ${b}`),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(word, counter), { maxLength: 12 }), (parts) => {
      const text = nftRowText(parts.join(' '));
      assert.equal(nftRowText(text), text);
      assert.doesNotMatch(text, /(^|\s)counter(\s|$)/);
      assert.doesNotMatch(text, /\s\s/);
      assert.equal(text, parts.filter((p) => !p.startsWith('counter')).join(' '));
    }),
  );
});

test('property: hostile text never throws; a label parses back to what it printed', () => {
  fc.assert(
    fc.property(hostileText, (text) => {
      const label = parseNftRowLabel(text);
      if (label) assert.deepEqual(parseNftRowLabel(nftRowLabel(label)), label);
      nftRowText(text);
    }),
  );
});

test('the tagged state and counters: each framework found by its tag, absent ones empty', () => {
  const ruleset = emptyRuleset(['filter']);
  const nft = { tables: [] };
  const state = [
    { framework: 'iptables-nft' as const, family: 'ipv4' as const, ruleset },
    { framework: 'nftables' as const, ruleset: nft },
  ];
  assert.equal(iptablesOf(state), ruleset);
  assert.equal(nftablesOf(state), nft);
  assert.deepEqual(
    iptablesOf(state, 'iptables-legacy').tables.map((t) => t.name),
    ['filter', 'nat'],
  );
  const row = {
    family: 'inet' as const,
    table: 'g',
    chain: 'f',
    rule: 1,
    text: 'accept',
    packets: 1,
    bytes: 84,
  };
  const counters: HostCounters = [
    { framework: 'iptables-nft', family: 'ipv4', rows: [] },
    { framework: 'nftables', rows: [row] },
  ];
  assert.deepEqual(nftCountersOf(counters), [row]);
  assert.deepEqual(iptablesCountersOf(counters, 'iptables-legacy'), []);
  assert.equal(nftablesOf([]), undefined);
});

test('a host firewall holds one entry per framework and family: set replaces it in place, or appends', () => {
  const v4 = emptyRuleset(['filter']);
  const firewall: HostFirewallState = [{ framework: 'iptables-nft', family: 'ipv4', ruleset: v4 }];
  const nft = { tables: [] };
  setNftables(firewall, nft);
  const v6 = emptyRuleset(['filter']);
  setIptables(firewall, { framework: 'iptables-nft', family: 'ipv6', ruleset: v6 });
  const legacy = emptyRuleset(['filter']);
  setIptables(firewall, { framework: 'iptables-legacy', family: 'ipv4', ruleset: legacy });
  assert.equal(iptablesStateOf(firewall, 'iptables-nft', 'ipv6')?.ruleset, v6);
  assert.equal(iptablesStateOf(firewall, 'iptables-legacy')?.ruleset, legacy);
  assert.equal(iptablesStateOf(firewall, 'iptables-legacy', 'ipv6'), undefined);
  const later = { tables: [] };
  setNftables(firewall, later);
  const v4b = emptyRuleset(['nat']);
  setIptables(firewall, { framework: 'iptables-nft', family: 'ipv4', ruleset: v4b });
  assert.deepEqual(
    firewall.map((s) => (s.framework === 'nftables' ? s.framework : `${s.framework} ${s.family}`)),
    ['iptables-nft ipv4', 'nftables', 'iptables-nft ipv6', 'iptables-legacy ipv4'],
  );
  assert.equal(iptablesOf(firewall), v4b);
  assert.equal(nftablesOf(firewall), later);
});

test("built-ins that count although empty: each family's own; an IPv6 entry without a list uses IPv4's", () => {
  const ruleset = emptyRuleset(['filter']);
  const firewall: HostFirewallState = [
    { framework: 'iptables-nft', family: 'ipv4', ruleset, materializedBuiltins: ['filter/INPUT'] },
  ];
  assert.deepEqual(materializedBuiltinsOf(firewall, 'ipv4'), ['filter/INPUT']);
  assert.deepEqual(materializedBuiltinsOf(firewall, 'ipv6'), ['filter/INPUT']);
  setIptables(firewall, { framework: 'iptables-nft', family: 'ipv6', ruleset, materializedBuiltins: [] });
  assert.deepEqual(materializedBuiltinsOf(firewall, 'ipv6'), []);
  assert.deepEqual(materializedBuiltinsOf([], 'ipv4'), []);
  // iptables-legacy creates every built-in: its entry's list is not iptables-nft's.
  const legacyOnly: HostFirewallState = [
    { framework: 'iptables-legacy', family: 'ipv4', ruleset, materializedBuiltins: ['filter/INPUT'] },
  ];
  assert.deepEqual(materializedBuiltinsOf(legacyOnly, 'ipv4'), []);
});
