/**
 * moby's iptabler testdata (fixtures/golden/moby-<version>/iptabler/ip6tables.txt, from
 * scripts/extract-moby-iptabler.ts): for each TestIptabler case, Docker's CI programmed one
 * network (br-dummy, 192.168.0.0/24 and fd49:efd7:54aa::/64), one endpoint (192.168.0.2,
 * fd49:efd7:54aa::1) and two port bindings (8080→80/tcp on 0.0.0.0 and [::], or on
 * 127.0.0.1 and [::1]) through the firewaller and saved ip6tables' raw, filter and nat
 * tables; after deleting them all again the tables are the case "cleaned,hairpin=…". The
 * model's iptables backend, driven through the same `Firewall` events, must leave the same
 * ip6tables rules in the same order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { runIptables } from '../netfilter/iptables/index.ts';
import { emptyRuleset, parseRuleset } from '../netfilter/ruleset/index.ts';
import { IPTable } from './ip-table.ts';
import { IptablesFirewall } from './iptables-firewall.ts';
import { binding, network, parseCase, readCases } from './moby-testdata.test-helper.ts';
import { getProfile } from './profile.ts';

const fixtures = new URL('../../fixtures/golden/', import.meta.url);

function assertTables(ipt: IPTable, expected: string | undefined, what: string): void {
  assert.ok(expected !== undefined, `no golden dump for ${what}`);
  const cmp = compareRulesets(parseRuleset(expected, { file: what }), ipt.ruleset);
  assert.ok(cmp.equal, `${what}:\n${cmp.unified}`);
}

for (const [version, folder] of [
  ['28.5', 'moby-28.5.2'],
  ['29.7', 'moby-29.7.2'],
] as const) {
  describe(`moby ${folder} iptabler testdata: ip6tables`, () => {
    const cases = readCases(readFileSync(new URL(`${folder}/iptabler/ip6tables.txt`, fixtures), 'utf8'));
    test('the fixture holds every case of the test (103) with its cleaned states', () => {
      assert.equal(cases.size, 103);
      assert.ok(cases.has('cleaned,hairpin=false') && cases.has('cleaned,hairpin=true'));
    });
    for (const [name] of cases) {
      if (name.startsWith('cleaned') || name === 'no') continue;
      test(name, () => {
        const c = parseCase(name);
        const ipt = new IPTable(emptyRuleset(['raw', 'filter', 'nat']));
        const ipt6 = new IPTable(emptyRuleset(['raw', 'filter', 'nat']), runIptables, 'ipv6');
        const fw = new IptablesFirewall({
          profile: getProfile(version),
          hairpin: c.hairpin,
          allowDirectRouting: false,
          iptables: ipt,
          ip6tables: ipt6,
        });
        const cleaned = cases.get(`cleaned,hairpin=${c.hairpin}`);
        fw.setupBaseChains();
        assertTables(ipt6, cleaned, 'after NewIptabler');
        const n = network(c);
        const ports = [
          binding(c, c.bindlh ? '127.0.0.1' : '0.0.0.0', '192.168.0.2'),
          binding(c, c.bindlh ? '::1' : '::', 'fd49:efd7:54aa::1'),
        ];
        fw.addNetwork(n, []);
        fw.addEndpoint(n, '192.168.0.2');
        fw.addEndpoint(n, 'fd49:efd7:54aa::1');
        fw.addPorts(n, ports);
        assertTables(ipt6, cases.get(name), name);
        fw.delPorts(n, ports);
        fw.delEndpoint(n, '192.168.0.2');
        fw.delEndpoint(n, 'fd49:efd7:54aa::1');
        fw.delNetwork(n, []);
        assertTables(ipt6, cleaned, 'after the deletions');
      });
    }
  });
}
