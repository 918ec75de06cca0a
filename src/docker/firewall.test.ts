/**
 * The Firewall seam: what the daemon model tells a firewall backend, in which order, and
 * the iptables backend's reload. A recording backend stands in for a second one (29.x
 * nftables): the daemon must reach it only through the interface.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nftablesOf } from '../netfilter/firewall-state.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { DockerDaemonModel, type DockerStartOptions } from './daemon-model.ts';
import type { BridgeRuleConfig, Firewall, PortForward, ProgrammedNetwork } from './firewall.ts';

/** Every call as one line: event, bridge, and what it carries. */
class RecordingFirewall implements Firewall {
  readonly backend = 'nftables';
  readonly calls: string[] = [];
  reloaded: ProgrammedNetwork[] = [];
  constructor(canDropForwarding: boolean) {
    if (canDropForwarding) this.filterForwardDrop = () => this.calls.push('filterForwardDrop');
  }
  filterForwardDrop?: () => void;
  setupBaseChains() {
    this.calls.push('setupBaseChains');
  }
  arrangeUserChain(moment: string) {
    this.calls.push(`arrangeUserChain ${moment}`);
  }
  addNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]) {
    this.calls.push(`addNetwork ${n.bridge} after [${others.map((o) => o.bridge).join(' ')}]`);
  }
  delNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]) {
    this.calls.push(`delNetwork ${n.bridge} leaving [${others.map((o) => o.bridge).join(' ')}]`);
  }
  addEndpoint(n: BridgeRuleConfig, address: string) {
    this.calls.push(`addEndpoint ${n.bridge} ${address}`);
  }
  delEndpoint(n: BridgeRuleConfig, address: string) {
    this.calls.push(`delEndpoint ${n.bridge} ${address}`);
  }
  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]) {
    this.calls.push(`addPorts ${n.bridge} ${ports.map((p) => `${p.hostPort}:${p.containerPort}`).join(',')}`);
  }
  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]) {
    this.calls.push(`delPorts ${n.bridge} ${ports.map((p) => `${p.hostPort}:${p.containerPort}`).join(',')}`);
  }
  reload(networks: readonly ProgrammedNetwork[]) {
    this.reloaded = [...networks];
  }
  hostRebooted() {
    this.calls.push('hostRebooted');
  }
  renameBridge(from: string, to: string) {
    this.calls.push(`renameBridge ${from} ${to}`);
  }
  nftRuleset() {
    return { tables: [] };
  }
}

function withRecorder(o: Partial<DockerStartOptions> = {}, canDropForwarding = true) {
  let fw: RecordingFirewall | undefined;
  const m = DockerDaemonModel.start({
    version: '28.5',
    baseline: 'bare',
    firewall: () => {
      fw = new RecordingFirewall(canDropForwarding);
      return fw;
    },
    ...o,
  });
  return { m, fw: fw as RecordingFirewall };
}

describe('the daemon reaches its firewall backend only through Firewall', () => {
  test('start, network, container with ports, removal: the events in order', () => {
    const { m, fw } = withRecorder();
    assert.deepEqual(fw.calls, [
      'setupBaseChains',
      'arrangeUserChain controller-start',
      'addNetwork docker0 after []',
      'arrangeUserChain network-created',
    ]);
    fw.calls.length = 0;
    m.createNetwork({ name: 'web', options: { 'com.docker.network.bridge.name': 'br-web' } });
    m.run({
      name: 'app1',
      network: 'web',
      publish: [
        { hostPort: 8081, containerPort: 81, protocol: 'tcp' },
        { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      ],
    });
    m.remove('app1', { force: true });
    m.removeNetwork('web');
    assert.deepEqual(fw.calls, [
      'addNetwork br-web after [docker0]',
      'arrangeUserChain network-created',
      'addEndpoint br-web 172.18.0.2',
      // One call with every binding, in Docker's order of bindings (port-sort.ts), not as given.
      'addPorts br-web 8080:80,8081:81',
      'delPorts br-web 8080:80,8081:81',
      'delEndpoint br-web 172.18.0.2',
      'delNetwork br-web leaving [docker0]',
    ]);
    // Nothing of Docker's reached the host's iptables: only the built-in chains are there.
    assert.doesNotMatch(serializeRuleset(m.ruleset()), /DOCKER/);
    assert.deepEqual(m.nftRuleset(), { tables: [] });
    assert.deepEqual(nftablesOf(m.host().firewall), { tables: [] });
  });

  test('forwarding off at start: dropped by a backend that can; refused by one that cannot', () => {
    const { m, fw } = withRecorder({ initialIpForward: '0' });
    assert.ok(fw.calls.includes('filterForwardDrop'));
    assert.equal(m.host().sysctls['net.ipv4.ip_forward'], '1');
    assert.throws(() => withRecorder({ initialIpForward: '0' }, false), /IPv4 forwarding is disabled/);
    const on = withRecorder({}, false);
    assert.equal(on.m.host().sysctls['net.ipv4.ip_forward'], '1');
  });

  test('a reboot empties the backend before dockerd sets it up again; a learnt bridge name reaches it', () => {
    const { m, fw } = withRecorder();
    m.createNetwork({ name: 'web' });
    fw.calls.length = 0;
    m.rebootHost();
    assert.deepEqual(fw.calls.slice(0, 2), ['hostRebooted', 'setupBaseChains']);
    const bridge = m.inspectNetwork('web').bridge;
    m.learnBridgeName('web', 'web0');
    assert.equal(fw.calls.at(-1), `renameBridge ${bridge} web0`);
  });

  test('a reload is handed every network with its endpoints and published ports', () => {
    const { m, fw } = withRecorder();
    m.createNetwork({ name: 'web', options: { 'com.docker.network.bridge.name': 'br-web' } });
    m.run({
      name: 'app1',
      network: 'web',
      publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    });
    m.run({ name: 'app2', network: 'web' });
    m.firewallReload();
    assert.deepEqual(
      fw.reloaded.map((n) => [n.config.bridge, n.endpoints, n.ports.map((p) => p.hostPort)]),
      [
        ['docker0', [], []],
        ['br-web', ['172.18.0.2', '172.18.0.3'], [8080]],
      ],
    );
  });
});

describe('iptables backend: a firewalld reload after a flush', () => {
  const flush = (m: DockerDaemonModel) => {
    for (const table of ['filter', 'nat']) {
      m.iptables(['-t', table, '-F']);
      m.iptables(['-t', table, '-X']);
    }
  };
  const sorted = (m: DockerDaemonModel) => serializeRuleset(m.ruleset()).split('\n').sort();

  for (const version of ['20.10', '28.5']) {
    test(`Docker ${version}: every rule comes back, and a second reload adds nothing`, () => {
      const m = DockerDaemonModel.start({ version, baseline: 'bare', initialIpForward: '0' });
      m.createNetwork({ name: 'web' });
      m.createNetwork({ name: 'db', internal: true });
      m.run({
        name: 'app1',
        network: 'web',
        publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      });
      m.run({ name: 'app2', network: 'db' });
      const before = sorted(m);
      flush(m);
      assert.notDeepEqual(sorted(m), before);
      m.firewallReload();
      assert.deepEqual(sorted(m), before);
      // Nothing doubled. (The order may change: on 17.06 … 26.1 each reload moves DOCKER-USER's
      // jump to the top and then each network's DOCKER-ISOLATION-STAGE-1 jump above it.)
      m.firewallReload();
      assert.deepEqual(sorted(m), before);
    });
  }
});
