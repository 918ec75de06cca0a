/**
 * IPv6 packets through Docker 29's `table ip6 docker-bridges` in the model: the packet path
 * walks the ip6 table for ICMPv6 (and never the ip table), with the counters the kernel
 * keeps (an ICMPv6 echo is 104 bytes: 40 of IPv6 header, 8 of ICMPv6, 56 of data).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowResult } from '../../netfilter/host-types.ts';
import { runFlow } from '../../netfilter/path/index.ts';
import { runDockerScript } from '../script.ts';

const SCRIPT = `dockerd --firewall-backend=nftables
docker network create --subnet 172.30.0.0/24 --ipv6 --subnet fd00:1::/64 -o com.docker.network.bridge.name=br6a n6a
docker network create --subnet 172.31.0.0/24 --ipv6 --subnet fd00:2::/64 -o com.docker.network.bridge.name=br6b n6b
docker run -d --name a1 --network n6a workload sleep infinity
docker run -d --name a2 --network n6a workload sleep infinity
docker run -d --name b1 --network n6b workload sleep infinity
`;

const model = () => runDockerScript(SCRIPT, { version: '29.7', file: 'ip6-flow' });

/** Native nft rows that counted, as "family chain#rule packets:bytes". */
const native = (r: FlowResult) =>
  (r.nftCounters ?? [])
    .filter((c) => c.packets > 0)
    .map((c) => `${c.family} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`)
    .sort();

describe('nftables backend: IPv6 through table ip6 docker-bridges', () => {
  it('containers on one network ping over IPv6: ICC takes the first request, conntrack the rest', () => {
    const m = model();
    assert.equal(m.inspectContainer('a2').address6, 'fd00:1::3');
    const r = runFlow(m.host(), { protocol: 'icmp', from: 'fd00:1::2', to: 'fd00:1::3', count: 3 });
    assert.equal(r.family, 'ipv6');
    assert.equal(r.verdict, 'delivered');
    assert.deepEqual(native(r), [
      'ip6 filter-forward-in__br6a#1 5:520',
      'ip6 filter-forward-in__br6a#2 1:104',
    ]);
  });

  it('a ping across IPv6 networks dies in ip6 raw-PREROUTING (DROP DIRECT ACCESS), before nat', () => {
    const m = model();
    const r = runFlow(m.host(), { protocol: 'icmp', from: 'fd00:1::2', to: 'fd00:2::2', count: 3 });
    assert.equal(r.verdict, 'timeout');
    const rows = native(r);
    const raw = m
      .nftRuleset()
      ?.tables.find((t) => t.family === 'ip6')
      ?.chains.find((c) => c.name === 'raw-PREROUTING')
      ?.rules.findIndex((x) => x.text.startsWith('ip6 daddr fd00:2::2 '));
    assert.ok(raw !== undefined && raw >= 0);
    assert.deepEqual(rows, [`ip6 raw-PREROUTING#${raw + 1} 3:312`]);
  });

  it('the same ping over IPv4 counts in the ip table only', () => {
    const m = model();
    const r = runFlow(m.host(), { protocol: 'icmp', from: '172.30.0.2', to: '172.30.0.3', count: 3 });
    assert.deepEqual(native(r), ['ip filter-forward-in__br6a#1 5:420', 'ip filter-forward-in__br6a#2 1:84']);
  });
});

describe('nftables backend: table ip6 docker-bridges across daemon restarts', () => {
  const text = (m: ReturnType<typeof model>) => {
    const t = m.nftRuleset()?.tables.find((x) => x.family === 'ip6');
    assert.ok(t, 'the ip6 table is listed');
    return t.chains.map((c) => `${c.name}: ${c.rules.map((r) => r.text).join(' | ')}`);
  };

  it('a restart writes the same ip6 chains and rules again (no doubles), in the same places', () => {
    const before = text(model());
    const restarted = runDockerScript(`${SCRIPT}dockerd restart\n`, { version: '29.7', file: 'ip6-restart' });
    const after = text(restarted);
    // Containers without a restart policy stay stopped: their DROP DIRECT ACCESS rules are gone.
    const withoutEndpoints = before.map((l) => (l.startsWith('raw-PREROUTING') ? 'raw-PREROUTING: ' : l));
    assert.deepEqual(after, withoutEndpoints);
  });

  it('removing the IPv6 networks leaves the ip6 base chains and empty maps', () => {
    const m = runDockerScript(`${SCRIPT}docker rm -f a1 a2 b1\ndocker network rm n6a n6b\n`, {
      version: '29.7',
      file: 'ip6-rm',
    });
    assert.deepEqual(
      text(m).map((l) => l.split(':')[0]),
      [
        'filter-FORWARD',
        'nat-OUTPUT',
        'nat-POSTROUTING',
        'nat-PREROUTING',
        'nat-prerouting-and-output',
        'raw-PREROUTING',
      ],
    );
  });
});
