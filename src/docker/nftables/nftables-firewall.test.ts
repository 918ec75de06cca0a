/**
 * Docker 29's nftables backend in the daemon model: the docker-bridges table through a
 * network's and a container's life, and packets through it (the packet path walks the
 * live table beside the host's iptables tables). The documents' scenarios themselves are
 * checked in src/docker/moby-docs.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FlowResult, HostState } from '../../netfilter/host-types.ts';
import { parseNftRuleset } from '../../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../../netfilter/nft/serialize.ts';
import { runFlow } from '../../netfilter/path/index.ts';
import type { DockerDaemonModel } from '../daemon-model.ts';
import { runDockerScript } from '../script.ts';

const fixtures = new URL('../../../fixtures/', import.meta.url);
const script = readFileSync(new URL('scripts/docker29-nftables.docker', fixtures), 'utf8');
const doc = (name: string) =>
  readFileSync(new URL(`golden/moby-29.7.2/nftables/${name}.nft`, fixtures), 'utf8');

/** The model's table as moby's documents print it (`nft -s`, nat-OUTPUT's priority named). */
function documented(m: DockerDaemonModel): string {
  const rs = m.nftRuleset();
  assert.ok(rs);
  return serializeNftRuleset(rs, { stateless: true }).replace('priority -100;', 'priority dstnat;');
}

const model = (extra = '') =>
  runDockerScript(`${script}\n${extra}`, { version: '29.7', file: 'docker29-nftables' });

/** The host with the external client (192.168.70.9) on the uplink. */
function withClient(m: DockerDaemonModel): HostState {
  const h = m.host();
  h.neighbours.push({ name: 'client', address: '192.168.70.9', dev: 'eth0', answersPing: true });
  return h;
}

const native = (r: FlowResult) =>
  (r.nftCounters ?? []).map((c) => `${c.chain}#${c.rule} ${c.packets}:${c.bytes}`).sort();

describe('nftables backend: packets through the docker-bridges table', () => {
  it('two containers on one network ping each other: the ICC rule, then conntrack', () => {
    const m = model();
    const r = runFlow(m.host(), { protocol: 'icmp', from: '192.0.2.2', to: '192.0.2.3', count: 3 });
    assert.equal(r.verdict, 'delivered');
    // br_netfilter: bridged packets meet filter-FORWARD. The first request is NEW (ICC),
    // its reply and the later requests and replies are ESTABLISHED.
    assert.deepEqual(native(r), ['filter-forward-in__bridge1#1 5:420', 'filter-forward-in__bridge1#2 1:84']);
  });

  it('the published port answers an external client through the DNAT rule', () => {
    const m = model();
    const r = runFlow(withClient(m), {
      protocol: 'tcp',
      from: '192.168.70.9',
      to: '192.168.70.6',
      port: 8080,
      count: 1,
      quickAck: true,
    });
    assert.equal(r.verdict, 'delivered');
    const rows = native(r);
    assert.ok(rows.includes('nat-prerouting-and-output#1 1:60'), rows.join('\n'));
    assert.ok(
      rows.some((x) => x.startsWith('filter-forward-in__bridge1#3 1:')),
      `the port's accept rule takes the SYN:\n${rows.join('\n')}`,
    );
  });

  it('a container on docker0 cannot address c1 directly: raw-PREROUTING drops every ping', () => {
    const m = model('docker run -d --name other workload sleep infinity');
    const r = runFlow(m.host(), { protocol: 'icmp', from: '172.17.0.2', to: '192.0.2.2', count: 3 });
    assert.equal(r.verdict, 'timeout');
    assert.deepEqual(native(r), ['raw-PREROUTING#1 3:252']);
  });

  it('with nat-unprotected there is no direct-access drop: UNPROTECTED accepts the pings', () => {
    const m = runDockerScript(
      [
        'dockerd --firewall-backend=nftables',
        'docker network create -o com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected --subnet 192.0.2.0/24 open',
        'docker run -d --name c1 --network open workload sleep infinity',
        'docker run -d --name other workload sleep infinity',
      ].join('\n'),
      { version: '29.7' },
    );
    const r = runFlow(m.host(), { protocol: 'icmp', from: '172.17.0.2', to: '192.0.2.2', count: 1 });
    assert.equal(r.verdict, 'delivered');
    assert.ok(
      native(r).some((x) => /^filter-forward-in__br-[0-9a-f]{12}#3 1:84$/.test(x)),
      native(r).join('\n'),
    );
  });
});

describe('nftables backend: the table through a network and a container life', () => {
  it('stopping the container and removing the network leave the new daemon table', () => {
    const m = model(['docker rm -f c1', 'docker rm -f c2', 'docker network rm bridge1'].join('\n'));
    assert.equal(documented(m), doc('new-daemon'));
  });

  it('a container stop takes its direct-access drop and its port rules away, a start puts them back', () => {
    const stopped = model('docker stop c1');
    const text = documented(stopped);
    assert.doesNotMatch(text, /192\.0\.2\.2/);
    assert.match(
      text,
      /ip daddr 192\.0\.2\.3 iifname != "bridge1" counter drop comment "DROP DIRECT ACCESS"/,
    );
    const again = model('docker stop c1\ndocker start c1');
    assert.match(documented(again), /iifname != "bridge1" tcp dport 8080 counter dnat to 192\.0\.2\.\d:80/);
  });

  it('a daemon restart writes the same chains and rules again', () => {
    // Chains and maps as sets: the model deletes and re-creates the default bridge at a
    // restart (as measured on 20.10), so docker0's chains come back after bridge1's; the
    // order is not measured on 29.
    const shape = (m: DockerDaemonModel) => {
      const [table] = parseNftRuleset(documented(m)).tables;
      assert.ok(table);
      // Containers without a restart policy stay stopped: leave their rules out.
      const mine = (text: string) => /192\.0\.2\.[23]\b/.test(text);
      return [
        ...table.chains.map(
          (c) =>
            `chain ${c.name}: ${c.rules
              .filter((r) => !mine(r.text))
              .map((r) => r.text)
              .join(' | ')}`,
        ),
        ...table.sets.map(
          (x) =>
            `map ${x.name}: ${x.elements
              .map((e) => `${e.key} ${e.value}`)
              .sort()
              .join(', ')}`,
        ),
      ].sort();
    };
    const after = shape(model('dockerd restart'));
    assert.equal(after.length, 4 + 6 + 2 * 4); // maps, base chains, two bridges' chains
    assert.deepEqual(after, shape(model()));
  });

  it('the packet counters of a rule survive changes elsewhere in the table', () => {
    const m = model();
    runFlow(m.host(), { protocol: 'icmp', from: '192.0.2.2', to: '192.0.2.3', count: 1 });
    m.run({ name: 'c3', network: 'bridge1', image: 'workload' } as never);
    const text = serializeNftRuleset(m.nftRuleset() ?? { tables: [] });
    assert.match(text, /iifname "bridge1" counter packets 1 bytes 84 accept comment "ICC"/);
  });

  it('two host ports for one container port: one accept rule, two DNATs', () => {
    const m = runDockerScript(
      'dockerd --firewall-backend=nftables\ndocker run -d --name web -p 8080:80 -p 8081:80 workload sleep infinity',
      { version: '29.7' },
    );
    const text = documented(m);
    assert.equal(text.match(/ip daddr 172\.17\.0\.2 tcp dport 80 counter accept/g)?.length, 1);
    assert.equal(text.match(/dnat to 172\.17\.0\.2:80/g)?.length, 2);
  });

  it('without the userland proxy the same start fails: the MASQ TO OWN PORT rule would be added twice', () => {
    // moby 29.7.2 adds that rule without IgnoreExist (read in nftabler/port.go, not measured).
    const refusals: string[] = [];
    const m = runDockerScript(
      'dockerd --firewall-backend=nftables --userland-proxy=false\ndocker run -d --name web -p 8080:80 -p 8081:80 workload sleep infinity',
      { version: '29.7', file: 'f', onRefusal: (e) => refusals.push(e.message) },
    );
    assert.equal(refusals.length, 1);
    assert.match(
      refusals[0] as string,
      /f:2: Error response from daemon: failed to set up container networking: adding rules for bridge docker0: adding rule:'ip saddr 172\.17\.0\.2 ip daddr 172\.17\.0\.2 tcp dport 80 counter masquerade comment "MASQ TO OWN PORT"' chain:'nat-postrouting-in__docker0' group:0: rule exists/,
    );
    // The failed start leaves nothing of the container behind.
    assert.doesNotMatch(documented(m), /172\.17\.0\.2/);
  });

  it('28.5 has no --firewall-backend at all: the dockerd line is refused, whatever the value', () => {
    for (const value of ['nftables', 'iptables']) {
      assert.throws(
        () => runDockerScript(`dockerd --firewall-backend=${value}`, { version: '28.5', file: 'f' }),
        new RegExp(`f:1: .*--firewall-backend=${value}.*Docker 28\\.5 has no such option`),
      );
    }
    const explicit = runDockerScript('dockerd --firewall-backend=iptables', { version: '29.7' });
    assert.equal(explicit.nftRuleset(), undefined);
  });
});
