import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { materializedBuiltinsOf } from '../netfilter/firewall-state.ts';
import { findChain, serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { TableName } from '../netfilter/types.ts';
import { DockerDaemonModel, type DockerStartOptions } from './daemon-model.ts';

const start = (o: Partial<DockerStartOptions> = {}) =>
  DockerDaemonModel.start({ version: '20.10', baseline: 'bare', ...o });
const rules = (m: DockerDaemonModel, table: TableName, chain: string) =>
  (findChain(m.ruleset(), table, chain)?.rules ?? []).map((r) => r.text);
const save = (m: DockerDaemonModel) => serializeRuleset(m.ruleset());

describe('daemon start (20.10)', () => {
  test('bare host: chains, docker0 and DOCKER-USER in the order 20.10 leaves them', () => {
    const m = start();
    assert.deepEqual(rules(m, 'filter', 'FORWARD'), [
      '-j DOCKER-USER',
      '-j DOCKER-ISOLATION-STAGE-1',
      '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-o docker0 -j DOCKER',
      '-i docker0 ! -o docker0 -j ACCEPT',
      '-i docker0 -o docker0 -j ACCEPT',
    ]);
    assert.deepEqual(rules(m, 'nat', 'OUTPUT'), ['! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER']);
    assert.equal(m.host().sysctls['net.ipv4.ip_forward'], '1');
  });

  test('forwarding off before start: dockerd turns it on and sets FORWARD to DROP', () => {
    const m = start({ initialIpForward: '0' });
    assert.equal(m.host().sysctls['net.ipv4.ip_forward'], '1');
    assert.match(save(m), /^:FORWARD DROP/m);
    const off = start({ initialIpForward: '0', daemonOptions: ['--ip-forward=false'] });
    assert.equal(off.host().sysctls['net.ipv4.ip_forward'], '0');
    assert.match(save(off), /^:FORWARD ACCEPT/m);
  });

  test('--iptables=false writes no rules', () => {
    // What the host had before dockerd (a bare host: the built-in chains, ACCEPT, empty),
    // written out by hand: no Docker chain, no rule, and FORWARD left ACCEPT although
    // dockerd turned ip_forward on (libnetwork sets the DROP policy only when it manages
    // iptables). Nothing published reaches a rule; docker-proxy still listens.
    const untouched = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      'COMMIT',
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      'COMMIT',
      '',
    ].join('\n');
    for (const version of ['20.10', '26.1', '28.5']) {
      const m = start({ version, daemonOptions: ['--iptables=false'], initialIpForward: '0' });
      m.createNetwork({ name: 'n' });
      m.run({ name: 'cc', network: 'n', publish: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }] });
      assert.equal(save(m), untouched, `Docker ${version}`);
      assert.equal(
        m.host().sysctls['net.ipv4.ip_forward'],
        '1',
        `Docker ${version}: --ip-forward still applies`,
      );
      assert.equal(
        m.host().listeners.length,
        2,
        `Docker ${version}: docker-proxy still runs (IPv4 and IPv6)`,
      );
    }
  });

  test('--icc=false on docker0: DROP appended, no ACCEPT', () => {
    const m = start({ daemonOptions: ['--icc=false'] });
    const fwd = rules(m, 'filter', 'FORWARD');
    assert.equal(fwd.at(-1), '-i docker0 -o docker0 -j DROP');
    assert.ok(!fwd.includes('-i docker0 -o docker0 -j ACCEPT'));
  });

  test('--userland-proxy=false: hairpin rules, route_localnet, no docker-proxy', () => {
    const m = start({ daemonOptions: ['--userland-proxy=false'] });
    m.run({ name: 'web', publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    assert.deepEqual(rules(m, 'nat', 'OUTPUT'), ['-m addrtype --dst-type LOCAL -j DOCKER']);
    assert.deepEqual(rules(m, 'nat', 'POSTROUTING'), [
      '-o docker0 -m addrtype --src-type LOCAL -j MASQUERADE',
      '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      '-s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
    ]);
    assert.deepEqual(rules(m, 'nat', 'DOCKER'), [
      '-p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    ]);
    assert.equal(m.host().sysctls['net.ipv4.conf.docker0.route_localnet'], '1');
    assert.equal(m.host().listeners.length, 0);
  });

  test('--bip and --default-address-pools choose the subnets', () => {
    const m = start({
      daemonOptions: ['--bip=10.1.0.1/24', '--default-address-pools', 'base=10.10.0.0/16,size=24'],
    });
    assert.equal(m.inspectNetwork('bridge').subnet, '10.1.0.0/24');
    assert.equal(m.createNetwork({ name: 'a' }).subnet, '10.10.0.0/24');
    assert.equal(m.createNetwork({ name: 'b' }).subnet, '10.10.1.0/24');
    assert.throws(() => start({ daemonOptions: ['--bridge=none'] }), /--bridge.*not supported/);
  });
});

describe('networks', () => {
  test("a network renamed to the real host's id (twin) is removed with all its rules", () => {
    // learnNetworkId renames the bridge in every rule in place; -D must find the new texts.
    for (const version of ['20.10', '28.5']) {
      const m = start({ version });
      m.createNetwork({ name: 'n1' });
      m.createNetwork({ name: 'n2' });
      m.learnNetworkId('n1', 'fe26c4f1cd6b'.padEnd(64, '0'));
      assert.match(save(m), /br-fe26c4f1cd6b/);
      m.removeNetwork('n1');
      assert.doesNotMatch(save(m), /br-fe26c4f1cd6b/, `Docker ${version}`);
    }
  });

  test('create runs the libnetwork command sequence (inserts, then the jumps moved to the top)', () => {
    const m = start();
    const before = m.fw.log.length;
    m.createNetwork({ name: 'n', options: { 'com.docker.network.bridge.name': 'br0' } });
    assert.deepEqual(
      m.fw.log.slice(before).map((a) => a.join(' ')),
      [
        '-t nat -I POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE',
        '-t nat -I DOCKER -i br0 -j RETURN',
        '-D FORWARD -i br0 -o br0 -j DROP',
        '-I FORWARD -i br0 -o br0 -j ACCEPT',
        '-t filter -I FORWARD -i br0 ! -o br0 -j ACCEPT',
        '-I FORWARD -o br0 -j DOCKER',
        '-I FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-D FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-I FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-t filter -I DOCKER-ISOLATION-STAGE-1 -i br0 ! -o br0 -j DOCKER-ISOLATION-STAGE-2',
        '-t filter -I DOCKER-ISOLATION-STAGE-2 -o br0 -j DROP',
        '-D FORWARD -j DOCKER-USER',
        '-I FORWARD -j DOCKER-USER',
      ],
    );
  });

  test('IPAM (20.10): the next pool after the last one handed out, then 192.168.x.0/20; bridge br-<12 hex of id>', () => {
    const m = start();
    const a = m.createNetwork({ name: 'a' });
    assert.equal(a.subnet, '172.18.0.0/16');
    assert.equal(a.gateway, '172.18.0.1');
    assert.equal(a.bridge, `br-${a.id.slice(0, 12)}`);
    assert.match(a.id, /^[0-9a-f]{64}$/);
    m.createNetwork({ name: 'b', subnet: '172.19.0.0/16' });
    assert.equal(m.createNetwork({ name: 'c' }).subnet, '172.20.0.0/16');
    m.removeNetwork('a');
    // Measured on 20.10.24 and 26.1.5: a's 172.18 does not come back until the list wraps.
    assert.equal(m.createNetwork({ name: 'd' }).subnet, '172.21.0.0/16');
    for (let i = 22; i <= 31; i++) m.createNetwork({ name: `x${i}` });
    assert.equal(m.createNetwork({ name: 'e' }).subnet, '192.168.0.0/20');
    assert.equal(m.createNetwork({ name: 'f' }).subnet, '192.168.16.0/20');
    assert.throws(() => m.createNetwork({ name: 'g', subnet: '172.19.128.0/17' }), /overlaps/);
    for (let i = 2; i < 16; i++) m.createNetwork({ name: `y${i}` });
    // Every pool handed out once: the search wraps and finds the freed 172.18.
    assert.equal(m.createNetwork({ name: 'h' }).subnet, '172.18.0.0/16');
  });

  test('IPAM (28.5): the lowest free pool, a freed one at once; a restart forgets 20.10 rotation', () => {
    const m = DockerDaemonModel.start({ version: '28.5' });
    assert.equal(m.createNetwork({ name: 'a' }).subnet, '172.18.0.0/16');
    assert.equal(m.createNetwork({ name: 'b' }).subnet, '172.19.0.0/16');
    m.removeNetwork('a');
    assert.equal(m.createNetwork({ name: 'c' }).subnet, '172.18.0.0/16');
    const old = start();
    old.createNetwork({ name: 'a' });
    old.createNetwork({ name: 'b' });
    old.removeNetwork('a');
    old.restartDaemon();
    assert.equal(old.createNetwork({ name: 'c' }).subnet, '172.18.0.0/16');
  });

  test('network ids are stable: the same name and creation order give the same bridge, whatever came before', () => {
    const one = start();
    const two = start();
    two.run({ name: 'early' });
    assert.equal(one.createNetwork({ name: 'n1' }).bridge, two.createNetwork({ name: 'n1' }).bridge);
    assert.notEqual(one.createNetwork({ name: 'n2' }).bridge, one.inspectNetwork('n1').bridge);
  });

  test('container addresses: lowest free, reused after removal; --ip; gateway elsewhere frees .1', () => {
    const m = start();
    m.createNetwork({ name: 'n', subnet: '10.5.0.0/24', gateway: '10.5.0.254' });
    assert.equal(m.run({ name: 'aa', network: 'n' }).address, '10.5.0.1');
    assert.equal(m.run({ name: 'bb', network: 'n' }).address, '10.5.0.2');
    m.remove('aa', { force: true });
    assert.equal(m.run({ name: 'cc', network: 'n' }).address, '10.5.0.1');
    assert.equal(m.run({ name: 'dd', network: 'n', ip: '10.5.0.66' }).address, '10.5.0.66');
    assert.throws(() => m.run({ name: 'ee', network: 'n', ip: '10.5.0.66' }), /already in use/);
    assert.throws(
      () => m.run({ name: 'ff', network: 'bridge', ip: '172.17.0.9' }),
      /user defined networks only/,
    );
    m.createNetwork({ name: 'r', subnet: '10.6.0.0/16', ipRange: '10.6.5.0/24' });
    assert.equal(m.run({ name: 'gg', network: 'r' }).address, '10.6.5.0');
  });

  test('enable_icc=false, enable_ip_masquerade=false, host_binding_ipv4', () => {
    const m = start();
    m.createNetwork({
      name: 'n',
      options: {
        'com.docker.network.bridge.name': 'brx',
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
        'com.docker.network.bridge.host_binding_ipv4': '192.168.70.6',
      },
    });
    assert.equal(rules(m, 'filter', 'FORWARD').at(-1), '-i brx -o brx -j DROP');
    assert.ok(!rules(m, 'nat', 'POSTROUTING').some((r) => r.includes('brx')));
    assert.ok(!rules(m, 'nat', 'DOCKER').some((r) => r.includes('brx')), 'no skip-DNAT without masquerade');
    m.run({ name: 'cc', network: 'n', publish: [{ hostPort: 81, containerPort: 80, protocol: 'tcp' }] });
    assert.deepEqual(
      rules(m, 'nat', 'DOCKER').at(-1),
      '-d 192.168.70.6/32 ! -i brx -p tcp -m tcp --dport 81 -j DNAT --to-destination 172.18.0.2:80',
    );
    assert.deepEqual(
      m.host().listeners.map((l) => `${l.address}:${l.port}`),
      ['192.168.70.6:81'],
      'no [::] twin for a specific IP',
    );
  });

  test('--internal: isolation DROPs in STAGE-1, no NAT, no STAGE-2 rule', () => {
    const m = start();
    m.createNetwork({ name: 'n', internal: true, options: { 'com.docker.network.bridge.name': 'bri' } });
    assert.deepEqual(rules(m, 'filter', 'DOCKER-ISOLATION-STAGE-1').slice(0, 2), [
      '! -s 172.18.0.0/16 -o bri -j DROP',
      '! -d 172.18.0.0/16 -i bri -j DROP',
    ]);
    assert.ok(!save(m).includes('-o bri -j DROP\n-A DOCKER-ISOLATION-STAGE-2'));
    assert.ok(!rules(m, 'nat', 'POSTROUTING').some((r) => r.includes('bri')));
    assert.deepEqual(
      rules(m, 'filter', 'FORWARD').filter((r) => r.includes('bri')),
      ['-i bri -o bri -j ACCEPT'],
    );
  });

  test('network rm removes exactly its rules; pre-defined and busy networks refuse', () => {
    const m = start();
    const before = save(m);
    m.createNetwork({ name: 'n' });
    m.run({ name: 'cc', network: 'n', publish: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }] });
    assert.throws(() => m.removeNetwork('n'), /active endpoints/);
    assert.throws(() => m.removeNetwork('bridge'), /pre-defined/);
    m.remove('cc', { force: true });
    m.removeNetwork('n');
    assert.equal(save(m), before);
  });

  test('a hand-deleted rule stays deleted until the network is re-created', () => {
    const m = start();
    m.createNetwork({ name: 'w', options: { 'com.docker.network.bridge.name': 'test_web' } });
    assert.equal(
      m.iptables(['iptables', '-D', 'DOCKER-ISOLATION-STAGE-2', '-o', 'test_web', '-j', 'DROP']).exitCode,
      0,
    );
    m.createNetwork({ name: 'other' });
    m.run({ name: 'cc', network: 'w' });
    m.restart('cc');
    assert.ok(!rules(m, 'filter', 'DOCKER-ISOLATION-STAGE-2').includes('-o test_web -j DROP'));
    m.remove('cc', { force: true });
    m.removeNetwork('w');
    m.createNetwork({ name: 'w', options: { 'com.docker.network.bridge.name': 'test_web' } });
    assert.equal(rules(m, 'filter', 'DOCKER-ISOLATION-STAGE-2')[0], '-o test_web -j DROP');
  });

  test('learnBridgeName renames the rules in place', () => {
    const m = start();
    const n = m.createNetwork({ name: 'n' });
    const text = save(m);
    m.learnBridgeName('n', 'br-0123456789ab');
    assert.equal(save(m), text.replaceAll(n.bridge, 'br-0123456789ab'));
    assert.equal(m.host().interfaces.at(-1)?.name, 'br-0123456789ab');
  });

  test('learnDnsPorts rewrites the dind baseline DNS rules', () => {
    const m = DockerDaemonModel.start({ version: '20.10', baseline: 'dind' });
    m.learnDnsPorts(1111, 2222);
    assert.deepEqual(rules(m, 'nat', 'DOCKER_POSTROUTING'), [
      '-s 127.0.0.11/32 -p tcp -m tcp --sport 1111 -j SNAT --to-source :53',
      '-s 127.0.0.11/32 -p udp -m udp --sport 2222 -j SNAT --to-source :53',
    ]);
  });

  test('connect/disconnect add and remove an endpoint', () => {
    const m = start();
    m.createNetwork({ name: 'n' });
    m.run({ name: 'cc' });
    m.connect('n', 'cc', '172.18.0.9');
    assert.deepEqual(m.inspectContainer('cc').endpoints, { bridge: '172.17.0.2', n: '172.18.0.9' });
    assert.equal(m.host().neighbours.length, 2);
    m.disconnect('n', 'cc');
    assert.deepEqual(m.inspectContainer('cc').endpoints, { bridge: '172.17.0.2' });
  });
});

describe('containers and ports', () => {
  const p = (hostPort: number | undefined, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp') => ({
    ...(hostPort ? { hostPort } : {}),
    containerPort,
    protocol,
  });

  test('stop removes port rules and proxies, start puts them back; rm refuses a running container', () => {
    const m = start();
    const empty = save(m);
    m.run({ name: 'cc', publish: [p(8080, 80)] });
    const running = save(m);
    assert.notEqual(running, empty);
    m.stop('cc');
    assert.equal(save(m), empty);
    assert.equal(m.host().listeners.length, 0);
    m.start('cc');
    assert.equal(save(m), running);
    assert.throws(() => m.remove('cc'), /cannot remove a running container/);
    assert.throws(() => m.run({ name: 'dd', publish: [p(8080, 81)] }), /port is already allocated/);
  });

  test('ephemeral host ports come from ip_local_port_range, round robin', () => {
    const m = start();
    m.run({ name: 'aa', publish: [p(undefined, 80)] });
    m.run({ name: 'bb', publish: [p(undefined, 80)] });
    m.remove('aa', { force: true });
    m.run({ name: 'cc', publish: [p(undefined, 80)] });
    const ports = m
      .host()
      .listeners.filter((l) => l.address === '0.0.0.0')
      .map((l) => l.port);
    assert.deepEqual(ports, [32769, 32770]);
  });

  test('several ports are programmed in nat.SortPortMap order (udp and tcp of one port: tcp first)', () => {
    const m = start();
    m.run({ name: 'cc', publish: [p(53, 53, 'udp'), p(53, 53, 'tcp'), p(80, 80), p(443, 443)] });
    assert.deepEqual(
      rules(m, 'nat', 'DOCKER')
        .slice(1)
        .map((r) => /-p (\w+).*--dport (\d+)/.exec(r)?.slice(1).join('/')),
      ['tcp/443', 'tcp/80', 'tcp/53', 'udp/53'],
    );
  });

  test('udp mapping and host-network containers', () => {
    const m = start();
    m.run({ name: 'dns', publish: [p(5353, 53, 'udp')] });
    assert.ok(
      rules(m, 'filter', 'DOCKER').includes(
        '-d 172.17.0.2/32 ! -i docker0 -o docker0 -p udp -m udp --dport 53 -j ACCEPT',
      ),
    );
    m.run({ name: 'hh', network: 'host', httpPort: 9000 });
    assert.ok(m.host().listeners.some((l) => l.port === 9000 && l.owner === 'hh'));
    assert.ok(!m.host().neighbours.some((n) => n.name === 'hh'));
  });

  test('kill docker-proxy of one port leaves the others', () => {
    const m = start();
    m.run({ name: 'cc', publish: [p(8080, 80), p(8443, 443)] });
    m.killDockerProxy(8080);
    assert.deepEqual([...new Set(m.host().listeners.map((l) => l.port))], [8443]);
  });
});

describe('dockerd restart and reboot', () => {
  test('restart: docker0 rules move to the top, restart-policy containers come back', () => {
    const m = start();
    m.createNetwork({ name: 'n', options: { 'com.docker.network.bridge.name': 'brn' } });
    m.run({
      name: 'keep',
      network: 'n',
      restart: 'always',
      publish: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }],
    });
    m.run({ name: 'gone', publish: [{ hostPort: 81, containerPort: 80, protocol: 'tcp' }] });
    assert.equal(
      rules(m, 'filter', 'FORWARD')[2],
      '-o brn -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    );
    m.restartDaemon();
    assert.equal(
      rules(m, 'filter', 'FORWARD')[2],
      '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    );
    assert.equal(rules(m, 'nat', 'DOCKER')[0], '-i docker0 -j RETURN');
    assert.equal(rules(m, 'nat', 'POSTROUTING')[0], '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    assert.equal(m.inspectContainer('keep').running, true);
    assert.equal(m.inspectContainer('gone').running, false);
    assert.ok(!save(m).includes('--dport 81 '));
  });
});

describe('17.03 / 17.06 profiles', () => {
  test('17.06 = 17.03 + DOCKER-USER', () => {
    const m = DockerDaemonModel.start({ version: '17.06', baseline: 'bare' });
    assert.deepEqual(rules(m, 'filter', 'FORWARD').slice(0, 2), ['-j DOCKER-USER', '-j DOCKER-ISOLATION']);
    assert.deepEqual(rules(m, 'filter', 'DOCKER-USER'), ['-j RETURN']);
  });

  test('17.03: single DOCKER-ISOLATION chain with pairwise DROPs, no DOCKER-USER', () => {
    const m = DockerDaemonModel.start({ version: '17.03', baseline: 'bare' });
    const before = save(m);
    m.createNetwork({ name: 'a', options: { 'com.docker.network.bridge.name': 'bra' } });
    m.createNetwork({ name: 'b', options: { 'com.docker.network.bridge.name': 'brb' } });
    // Each new network inserts its pair with every older one (Docker walks the others in
    // map order; the model in creation order): newest pairs on top.
    assert.deepEqual(rules(m, 'filter', 'DOCKER-ISOLATION'), [
      '-i bra -o brb -j DROP',
      '-i brb -o bra -j DROP',
      '-i docker0 -o brb -j DROP',
      '-i brb -o docker0 -j DROP',
      '-i docker0 -o bra -j DROP',
      '-i bra -o docker0 -j DROP',
      '-j RETURN',
    ]);
    assert.ok(!save(m).includes('DOCKER-USER'));
    assert.equal(rules(m, 'filter', 'FORWARD')[0], '-j DOCKER-ISOLATION');
    m.removeNetwork('b');
    m.removeNetwork('a');
    assert.equal(save(m), before);
  });
});

test('an explicit 0.0.0.0 host IP gets no [::] docker-proxy twin', () => {
  const m = DockerDaemonModel.start({ version: '20.10', baseline: 'bare' });
  m.run({ name: 'cc', publish: [{ hostIp: '0.0.0.0', hostPort: 80, containerPort: 80, protocol: 'tcp' }] });
  assert.deepEqual(
    m.host().listeners.map((l) => l.address),
    ['0.0.0.0'],
  );
});

describe('internal networks and default routes', () => {
  const build = (version: string) => {
    const m = start({ version });
    m.createNetwork({ name: 'backend', internal: true, subnet: '172.25.0.0/16' });
    m.createNetwork({ name: 'front', subnet: '172.26.0.0/16' });
    m.run({ name: 'db', network: 'backend' });
    m.run({ name: 'both', network: 'backend' });
    m.connect('front', 'both');
    return m.host().neighbours;
  };

  test('20.10: a container on an internal network still has a default route', () => {
    assert.ok(build('20.10').every((n) => n.reaches === undefined));
  });

  test('26.1: on internal networks only, a container reaches just their subnets', () => {
    const neighbours = build('26.1');
    assert.deepEqual(neighbours.find((n) => n.name === 'db')?.reaches, ['172.25.0.0/16']);
    // One non-internal network gives it a default route again.
    assert.ok(neighbours.filter((n) => n.name === 'both').every((n) => n.reaches === undefined));
  });
});

describe('containers on several networks, listeners, registered built-ins', () => {
  test('a container sends from the endpoint on the destination subnet, else from its default route', () => {
    const m = start({ version: '28.5' });
    m.createNetwork({ name: 'front' });
    m.createNetwork({ name: 'back' });
    m.run({ name: 'web', network: 'front' });
    m.connect('back', 'web');
    assert.deepEqual(m.inspectContainer('web').endpoints, { front: '172.18.0.2', back: '172.19.0.2' });
    assert.equal(m.sourceAddress('web', '172.19.0.9'), '172.19.0.2');
    assert.equal(m.sourceAddress('web', '172.18.0.9'), '172.18.0.2');
    // Not the first attached ("front"): the first by name takes the default route.
    assert.equal(m.sourceAddress('web', '192.168.70.9'), '172.19.0.2');
    m.disconnect('back', 'web');
    assert.equal(m.sourceAddress('web', '192.168.70.9'), '172.18.0.2');
  });

  test('an internal network never carries the default route', () => {
    const m = start({ version: '28.5' });
    m.createNetwork({ name: 'a-internal', internal: true });
    m.createNetwork({ name: 'b-outside' });
    m.run({ name: 'web', network: 'b-outside' });
    m.connect('a-internal', 'web');
    assert.equal(m.sourceAddress('web', '192.168.70.9'), m.inspectContainer('web').endpoints['b-outside']);
  });

  test('UDP listeners are sockets of the container, beside its TCP ones', () => {
    const m = start();
    m.run({ name: 'dns', udpListenPorts: [53], tcpListenPorts: [53] });
    m.run({ name: 'local', network: 'host', udpListenPorts: [5353] });
    const host = m.host();
    assert.deepEqual(host.neighbours.find((n) => n.name === 'dns')?.listeners, [
      { protocol: 'tcp', port: 53 },
      { protocol: 'udp', port: 53 },
    ]);
    assert.ok(host.listeners.some((l) => l.protocol === 'udp' && l.port === 5353 && l.owner === 'local'));
  });

  test('28.5: raw PREROUTING stays registered once it held a rule, through rm and a daemon restart', () => {
    const m = start({ version: '28.5' });
    assert.ok(!materializedBuiltinsOf(m.host().firewall, 'ipv4').includes('raw/PREROUTING'));
    m.run({ name: 'web', publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    m.restartDaemon();
    assert.deepEqual(rules(m, 'raw', 'PREROUTING'), []);
    assert.ok(materializedBuiltinsOf(m.host().firewall, 'ipv4').includes('raw/PREROUTING'));
    m.rebootHost();
    assert.ok(!materializedBuiltinsOf(m.host().firewall, 'ipv4').includes('raw/PREROUTING'));
  });
});

test('property: whatever the order of connects, the default route is the first network by name', () => {
  fc.assert(
    fc.property(fc.shuffledSubarray(['alpha', 'bravo', 'charlie', 'delta'], { minLength: 1 }), (order) => {
      const m = start({ version: '28.5' });
      for (const name of [...order].sort()) m.createNetwork({ name });
      const [first, ...rest] = order as [string, ...string[]];
      m.run({ name: 'web', network: first });
      for (const name of rest) m.connect(name, 'web');
      const endpoints = m.inspectContainer('web').endpoints;
      const byName = [...order].sort()[0] as string;
      assert.equal(m.sourceAddress('web', '192.168.70.9'), endpoints[byName]);
      for (const [network, address] of Object.entries(endpoints)) {
        const gateway = m.inspectNetwork(network).gateway;
        assert.equal(m.sourceAddress('web', gateway), address, `on-link ${network}`);
      }
    }),
    { numRuns: 30 },
  );
});

test('a built-in stays registered through -D and -F; -X of the empty ACCEPT chain unregisters it', () => {
  const m = start({ version: '28.5' });
  const registered = () => materializedBuiltinsOf(m.host().firewall, 'ipv4').includes('filter/INPUT');
  assert.equal(registered(), false, 'Docker never writes INPUT');
  assert.equal(m.iptables(['-I', 'INPUT', '-s', '10.9.9.9/32', '-j', 'DROP']).exitCode, 0);
  assert.equal(m.iptables(['-D', 'INPUT', '-s', '10.9.9.9/32', '-j', 'DROP']).exitCode, 0);
  assert.equal(registered(), true, 'after -D');
  m.iptables(['-A', 'INPUT', '-j', 'ACCEPT']);
  m.iptables(['-F', 'INPUT']);
  assert.equal(registered(), true, 'after -F INPUT');
  assert.notEqual(m.iptables(['-X']).exitCode, 0, "Docker's chains are still referenced");
  assert.equal(registered(), true, 'a failed -X changes nothing');
  assert.equal(m.iptables(['iptables', '-X', 'INPUT']).exitCode, 0);
  assert.equal(registered(), false, 'after -X INPUT');
});
