/** The docker-bridges table model: rule groups, listing order, batches and their reverse, renames. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseNftRuleset } from '../../netfilter/nft/parse.ts';
import { serializeNftRuleset, serializeNftTable } from '../../netfilter/nft/serialize.ts';
import { parseDaemonOptions } from '../daemon-options.ts';
import type { BridgeRuleConfig } from '../firewall.ts';
import { DockerBridgesTable, NftModifier } from './docker-bridges-table.ts';
import { baseChains, directAccessRule, networkRules, portRules } from './nftabler.ts';

const text = (t: DockerBridgesTable) => serializeNftTable(t.table, { stateless: true });

function table(): DockerBridgesTable {
  const t = new DockerBridgesTable('ip', 'docker-bridges');
  t.apply(baseChains({ hairpin: false }));
  return t;
}

describe('DockerBridgesTable', () => {
  it('runs rule groups in ascending order, and a group in the order its rules came', () => {
    const t = new DockerBridgesTable('ip', 't');
    const m = new NftModifier();
    m.create({ kind: 'chain', name: 'c' });
    m.create({ kind: 'rule', chain: 'c', group: 5, text: 'counter drop comment "LAST"' });
    m.create({ kind: 'rule', chain: 'c', group: 0, text: 'ct state established,related counter accept' });
    m.create({ kind: 'rule', chain: 'c', group: 3, text: 'ip daddr 192.0.2.2 tcp dport 80 counter accept' });
    m.create({ kind: 'rule', chain: 'c', group: 3, text: 'ip daddr 192.0.2.3 tcp dport 80 counter accept' });
    t.apply(m);
    assert.deepEqual(
      t.chainRules('c').map((r) => r.text),
      [
        'ct state established,related counter accept',
        'ip daddr 192.0.2.2 tcp dport 80 counter accept',
        'ip daddr 192.0.2.3 tcp dport 80 counter accept',
        'counter drop comment "LAST"',
      ],
    );
  });

  it("lists a batch's new chains and maps by name, after those of earlier batches", () => {
    const t = table();
    t.apply(
      networkRules({
        bridge: 'zz',
        subnet: '10.0.0.0/24',
        icc: true,
        masquerade: true,
        internal: false,
        hairpin: false,
      }),
    );
    t.apply(
      networkRules({
        bridge: 'aa',
        subnet: '10.0.1.0/24',
        icc: true,
        masquerade: true,
        internal: false,
        hairpin: false,
      }),
    );
    assert.deepEqual(
      t.table.chains.map((c) => c.name),
      [
        'filter-FORWARD',
        'nat-OUTPUT',
        'nat-POSTROUTING',
        'nat-PREROUTING',
        'nat-prerouting-and-output',
        'raw-PREROUTING',
        'filter-forward-in__zz',
        'filter-forward-out__zz',
        'nat-postrouting-in__zz',
        'nat-postrouting-out__zz',
        'filter-forward-in__aa',
        'filter-forward-out__aa',
        'nat-postrouting-in__aa',
        'nat-postrouting-out__aa',
      ],
    );
    assert.deepEqual(
      t.table.sets.map((s) => s.name),
      [
        'filter-forward-in-jumps',
        'filter-forward-out-jumps',
        'nat-postrouting-in-jumps',
        'nat-postrouting-out-jumps',
      ],
    );
  });

  it('refuses what Docker would not do: a rule twice, a missing rule, a chain with rules', () => {
    const t = new DockerBridgesTable('ip', 't');
    const m = new NftModifier();
    m.create({ kind: 'chain', name: 'c' });
    m.create({ kind: 'rule', chain: 'c', group: 0, text: 'counter accept' });
    t.apply(m);
    const again = new NftModifier();
    again.create({ kind: 'rule', chain: 'c', group: 0, text: 'counter accept' });
    assert.throws(() => t.apply(again), /rule exists/);
    const tolerated = new NftModifier();
    tolerated.create({ kind: 'rule', chain: 'c', group: 0, text: 'counter accept', ignoreExist: true });
    t.apply(tolerated);
    assert.equal(t.chainRules('c').length, 1);
    const missing = new NftModifier();
    missing.delete({ kind: 'rule', chain: 'c', group: 0, text: 'counter drop' });
    assert.throws(() => t.apply(missing), /rule does not exist/);
    const chain = new NftModifier();
    chain.delete({ kind: 'chain', name: 'c' });
    assert.throws(() => t.apply(chain), /has rules/);
  });

  it('a batch that fails changes nothing: chains, maps, elements and rules are as before', () => {
    const t = table();
    t.apply(
      networkRules({
        bridge: 'b1',
        subnet: '10.0.0.0/24',
        icc: true,
        masquerade: true,
        internal: false,
        hairpin: false,
      }),
    );
    const before = text(t);
    const m = networkRules({
      bridge: 'b2',
      subnet: '10.0.1.0/24',
      icc: true,
      masquerade: true,
      internal: false,
      hairpin: false,
    });
    m.create({
      kind: 'rule',
      chain: 'filter-forward-in__b1',
      group: 0,
      text: 'ct state established,related counter accept',
    });
    assert.throws(() => t.apply(m), /rule exists/);
    assert.equal(text(t), before);
    assert.ok(!t.hasChain('filter-forward-in__b2'));
    // The same network goes in cleanly afterwards.
    t.apply(
      networkRules({
        bridge: 'b2',
        subnet: '10.0.1.0/24',
        icc: true,
        masquerade: true,
        internal: false,
        hairpin: false,
      }),
    );
    assert.ok(t.hasChain('filter-forward-in__b2'));
  });

  it('a renamed bridge reads as if it had been created with its new name', () => {
    const c: BridgeRuleConfig = {
      bridge: 'br-1',
      subnet: '172.18.0.0/16',
      icc: false,
      masquerade: true,
      internal: false,
      hairpin: true,
    };
    const renamed = table();
    renamed.apply(networkRules(c));
    renamed.rename('br-1', 'br-0123456789ab');
    const direct = table();
    direct.apply(networkRules({ ...c, bridge: 'br-0123456789ab' }));
    assert.equal(text(renamed), text(direct));
    assert.ok(renamed.hasChain('filter-forward-in__br-0123456789ab'));
    assert.ok(!renamed.hasChain('filter-forward-in__br-1'));
  });
});

const bridgeConfig = fc.record({
  icc: fc.boolean(),
  masquerade: fc.boolean(),
  internal: fc.boolean(),
  hairpin: fc.boolean(),
  gatewayMode: fc.constantFrom('nat' as const, 'nat-unprotected' as const, 'routed' as const),
  snat: fc.boolean(),
});

describe('DockerBridgesTable properties', () => {
  it('networks added in any order and removed in any order leave the new table', () => {
    fc.assert(
      fc.property(
        fc.array(bridgeConfig, { minLength: 1, maxLength: 6 }),
        fc.func(fc.integer()),
        (configs, order) => {
          const t = table();
          const empty = text(t);
          const removers = configs.map((x, i) => {
            const m = networkRules({
              bridge: `br${i}`,
              subnet: `10.${i}.0.0/16`,
              icc: x.icc,
              masquerade: x.masquerade,
              internal: x.internal,
              hairpin: x.hairpin,
              gatewayMode: x.gatewayMode,
              ...(x.snat ? { snatSource: '192.168.70.6' } : {}),
            });
            t.apply(m);
            return { key: order(i), m: m.reverse() };
          });
          assert.equal(t.table.chains.length, 6 + 4 * configs.length);
          for (const { m } of removers.sort((a, b) => a.key - b.key)) t.apply(m);
          assert.equal(text(t), empty);
        },
      ),
    );
  });

  it('whatever Docker writes parses back into the same text, with no statement the evaluator skips', () => {
    fc.assert(
      fc.property(
        fc.array(bridgeConfig, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(
          fc.record({
            port: fc.integer({ min: 1, max: 65535 }),
            udp: fc.boolean(),
            loopback: fc.boolean(),
          }),
          { maxLength: 3 },
        ),
        (configs, hairpin, ports) => {
          const t = new DockerBridgesTable('ip', 'docker-bridges');
          t.apply(baseChains({ hairpin }));
          configs.forEach((x, i) => {
            const c: BridgeRuleConfig = {
              bridge: `br-${i}`,
              subnet: `10.${i}.0.0/16`,
              icc: x.icc,
              masquerade: x.masquerade,
              internal: x.internal,
              hairpin,
              gatewayMode: x.gatewayMode,
              trustedHostInterfaces: x.snat ? ['eth0'] : [],
              ...(x.snat ? { snatSource: '192.168.70.6' } : {}),
            };
            t.apply(networkRules(c));
            const address = `10.${i}.0.2`;
            const direct = directAccessRule(c, address, { allowDirectRouting: false });
            if (direct) t.apply(direct);
            const forwards = ports.map((p, k) => ({
              protocol: p.udp ? ('udp' as const) : ('tcp' as const),
              hostIp: p.loopback ? '127.0.0.1' : '0.0.0.0',
              hostPort: c.gatewayMode === 'routed' ? 0 : 1024 + 8 * i + k, // unique on the host
              containerIp: address,
              containerPort: p.port,
              bridge: c.bridge,
              hairpin,
            }));
            // Host ports are unique per host; a container port mapped twice is the case tested above.
            const unique = forwards.filter(
              (f, k) =>
                forwards.findIndex(
                  (g) => g.containerPort === f.containerPort && g.protocol === f.protocol,
                ) === k,
            );
            t.apply(portRules(c, unique, true, { hairpin }));
          });
          const printed = serializeNftTable(t.table);
          const parsed = parseNftRuleset(printed);
          assert.equal(serializeNftRuleset(parsed), printed);
          const skipped = parsed.tables
            .flatMap((x) => x.chains.flatMap((c) => c.rules))
            .filter((r) => r.statements.some((st) => st.kind === 'unsupported'))
            .map((r) => r.text);
          assert.deepEqual(skipped, []);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('--firewall-backend takes iptables or nftables and refuses anything else by name', () => {
    assert.equal(parseDaemonOptions(['--firewall-backend=nftables']).firewallBackend, 'nftables');
    assert.equal(parseDaemonOptions(['--firewall-backend', 'iptables']).firewallBackend, 'iptables');
    assert.equal(parseDaemonOptions([]).firewallBackend, undefined);
    fc.assert(
      fc.property(
        fc.string().filter((v) => v !== 'iptables' && v !== 'nftables'),
        (value) => {
          assert.throws(
            () => parseDaemonOptions([`--firewall-backend=${value}`]),
            (e: Error) =>
              e.message.includes('--firewall-backend') && e.message.includes('iptables or nftables'),
          );
        },
      ),
    );
  });
});
