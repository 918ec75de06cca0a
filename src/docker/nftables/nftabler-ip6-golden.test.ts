/**
 * moby's nftabler testdata for the ip6 table (fixtures/golden/moby-29.7.2/nftabler/ip6.txt):
 * for each TestNftabler case, Docker's CI programmed one network (br-dummy, 192.168.0.0/24
 * and fd49:efd7:54aa::/64), one endpoint (192.168.0.2, fd49:efd7:54aa::1) and two port
 * bindings (8080→80/tcp on 0.0.0.0 and [::], or on 127.0.0.1 and [::1]) and listed
 * `table ip6 docker-bridges`; after deleting them all again the table is the case
 * "cleaned,hairpin=…". The model's nftables backend, driven through the same `Firewall`
 * events, must list the same table: chains in the same order, rules in the same order.
 *
 * One step of moby's test is not checked: the "cleaned" table right after NewNftabler. moby
 * makes the ip6 table at daemon start; the model makes it with the first IPv6 network
 * (nftables-firewall.ts says why), so the cleaned state is checked after the deletions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseNftRuleset } from '../../netfilter/nft/parse.ts';
import { serializeNftTable } from '../../netfilter/nft/serialize.ts';
import type { NftTable } from '../../netfilter/nft/types.ts';
import { emptyRuleset } from '../../netfilter/ruleset/index.ts';
import { IPTable } from '../ip-table.ts';
import { binding, network, parseCase, readCases } from '../moby-testdata.test-helper.ts';
import { getProfile } from '../profile.ts';
import { NftablesFirewall } from './nftables-firewall.ts';

const fixture = new URL('../../../fixtures/golden/moby-29.7.2/nftabler/ip6.txt', import.meta.url);

/** A table as the model's serializer prints it: the golden text and the model compared in one form. */
function listed(t: NftTable): string {
  return serializeNftTable(t, { stateless: true }).replace('priority -100;', 'priority dstnat;');
}

function ip6Table(fw: NftablesFirewall): NftTable {
  const t = fw.nftRuleset().tables.find((x) => x.family === 'ip6');
  assert.ok(t, 'the model has table ip6 docker-bridges');
  return t;
}

function golden(text: string | undefined, what: string): string {
  assert.ok(text !== undefined, `no golden table for ${what}`);
  const [table] = parseNftRuleset(text, { file: `nftabler/ip6.txt ${what}` }).tables;
  assert.ok(table);
  return listed(table);
}

describe('moby docker-v29.7.2 nftabler testdata: table ip6 docker-bridges', () => {
  const cases = readCases(readFileSync(fixture, 'utf8'));
  test('the fixture holds every ip6 case of the test (100) with its cleaned states', () => {
    assert.equal(cases.size, 102);
    assert.ok(cases.has('cleaned,hairpin=false') && cases.has('cleaned,hairpin=true'));
  });
  for (const [name, text] of cases) {
    if (name.startsWith('cleaned')) continue;
    test(name, () => {
      const c = parseCase(name);
      const fw = new NftablesFirewall({
        profile: getProfile('29.7'),
        hairpin: c.hairpin,
        allowDirectRouting: false,
        ip6tables: new IPTable(emptyRuleset(['filter', 'nat']), undefined, 'ipv6'),
      });
      fw.setupBaseChains();
      assert.equal(
        fw.nftRuleset().tables.some((x) => x.family === 'ip6'),
        false,
        'no ip6 table before an IPv6 network',
      );
      const n = network(c);
      const ports = [
        binding(c, c.bindlh ? '127.0.0.1' : '0.0.0.0', '192.168.0.2'),
        binding(c, c.bindlh ? '::1' : '::', 'fd49:efd7:54aa::1'),
      ];
      fw.addNetwork(n);
      fw.addEndpoint(n, '192.168.0.2');
      fw.addEndpoint(n, 'fd49:efd7:54aa::1');
      fw.addPorts(n, ports);
      assert.equal(listed(ip6Table(fw)), golden(text, name));
      fw.delPorts(n, ports);
      fw.delEndpoint(n, '192.168.0.2');
      fw.delEndpoint(n, 'fd49:efd7:54aa::1');
      fw.delNetwork(n);
      const cleaned = `cleaned,hairpin=${c.hairpin}`;
      assert.equal(listed(ip6Table(fw)), golden(cases.get(cleaned), cleaned));
    });
  }

  test('a daemon without ip6tables writes no ip6 table, even for an IPv6 network', () => {
    const fw = new NftablesFirewall({
      profile: getProfile('29.7'),
      hairpin: false,
      allowDirectRouting: false,
    });
    fw.setupBaseChains();
    const n = network(
      parseCase('hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false'),
    );
    fw.addNetwork(n);
    fw.addEndpoint(n, 'fd49:efd7:54aa::1');
    fw.addPorts(n, [binding(parseCase('hairpin=false'), '::', 'fd49:efd7:54aa::1')]);
    assert.deepEqual(
      fw.nftRuleset().tables.map((t) => `${t.family} ${t.name}`),
      ['ip docker-bridges'],
    );
  });
});
