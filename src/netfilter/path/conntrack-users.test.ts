import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNftRuleset } from '../nft/parse.ts';
import { parseRuleset } from '../ruleset/parse.ts';
import { iptablesUsesConntrack, nftUsesConntrack } from './conntrack-users.ts';

const dump = (lines: string) =>
  parseRuleset(`*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n${lines}COMMIT\n`);

test('iptables: NAT targets and conntrack matches need conntrack; a nat chain alone, or addrtype, does not', () => {
  assert.equal(iptablesUsesConntrack(undefined), false);
  assert.equal(iptablesUsesConntrack(dump('-A FORWARD -i br0 -o br0 -j ACCEPT\n')), false);
  assert.equal(
    iptablesUsesConntrack(
      parseRuleset(
        '*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\nCOMMIT\n',
      ),
    ),
    false,
  );
  for (const rule of [
    '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -m state --state NEW -j ACCEPT',
  ])
    assert.equal(iptablesUsesConntrack(dump(`${rule}\n`)), true, rule);
  for (const rule of [
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    '-A POSTROUTING -s 10.0.0.0/8 -j SNAT --to-source 192.168.70.6',
  ])
    assert.equal(
      iptablesUsesConntrack(
        parseRuleset(
          `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n${rule}\nCOMMIT\n`,
        ),
      ),
      true,
      rule,
    );
});

test('nft: ct expressions and nat statements need it, in their own family or inet; ip rules do not start it for IPv6', () => {
  const table = (family: string, rule: string) =>
    parseNftRuleset(
      `table ${family} t {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`,
    );
  assert.equal(nftUsesConntrack(table('ip', 'ct state established,related accept'), 'ipv4'), true);
  assert.equal(nftUsesConntrack(table('ip', 'ct state established,related accept'), 'ipv6'), false);
  assert.equal(nftUsesConntrack(table('ip6', 'ct state vmap { established : accept }'), 'ipv6'), true);
  assert.equal(nftUsesConntrack(table('inet', 'ct state invalid drop'), 'ipv6'), true);
  assert.equal(nftUsesConntrack(table('inet', 'ct state invalid drop'), 'ipv4'), true);
  assert.equal(nftUsesConntrack(table('ip6', 'iifname "br0" oifname "br0" accept'), 'ipv6'), false);
  const nat = parseNftRuleset(
    'table ip6 n {\n\tchain p {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip6 saddr fd00::/64 masquerade\n\t}\n}\n',
  );
  assert.equal(nftUsesConntrack(nat, 'ipv6'), true);
  assert.equal(nftUsesConntrack(undefined, 'ipv6'), false);
});
