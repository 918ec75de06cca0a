/**
 * IPv6 in the Docker model: which versions write ip6tables rules, the IPv6 half of
 * networks and docker0, containers' IPv6 addresses, IPv6 port bindings, gateway_mode_ipv6,
 * and that an IPv4-only host looks exactly as before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesStateOf } from '../netfilter/firewall-state.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { findChain, serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { DockerDaemonModel } from './daemon-model.ts';
import { DaemonOptionError } from './daemon-options.ts';
import { runDockerScript } from './script.ts';

const rules = (r: Ruleset | undefined, table: string, chain: string): string[] =>
  (r && findChain(r, table as 'filter', chain)?.rules.map((x) => x.text)) ?? [];

const N6 = 'docker network create --ipv6 --subnet fd00:1::/64 n6\n';

test('28.5: an IPv6 network gets ip6tables rules; its containers IPv6 addresses ::2, ::3', () => {
  const m = runDockerScript(
    `${N6}docker run -d --name web --network n6 -p 8080:80 nginx\ndocker run -d --name cli --network n6 nginx\n`,
    { version: '28.5' },
  );
  const r6 = m.ruleset6();
  const br = m.inspectNetwork('n6').bridge;
  assert.deepEqual(m.inspectNetwork('n6').subnet6, 'fd00:1::/64');
  assert.equal(m.inspectNetwork('n6').gateway6, 'fd00:1::1');
  assert.equal(m.inspectContainer('web').address6, 'fd00:1::2');
  assert.equal(m.inspectContainer('cli').address6, 'fd00:1::3');
  assert.deepEqual(rules(r6, 'nat', 'POSTROUTING'), [`-s fd00:1::/64 ! -o ${br} -j MASQUERADE`]);
  assert.deepEqual(rules(r6, 'nat', 'DOCKER'), [
    `-i ${br} -j RETURN`,
    `! -s fe80::/10 ! -i ${br} -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80`,
  ]);
  assert.deepEqual(rules(r6, 'raw', 'PREROUTING'), [
    `-d fd00:1::2/128 ! -i ${br} -j DROP`,
    `-d fd00:1::3/128 ! -i ${br} -j DROP`,
  ]);
  // IPv6 forwarding was off: Docker turned it on and made ip6tables' FORWARD drop by default.
  assert.equal(r6 && findChain(r6, 'filter', 'FORWARD')?.policy, 'DROP');
  assert.equal(m.host().sysctls['net.ipv6.conf.all.forwarding'], '1');
  // docker-proxy listens on [::] and forwards to the container's IPv6 address.
  const proxy6 = m.host().listeners.find((l) => l.address === '::');
  assert.deepEqual(proxy6?.forwardTo, { address: 'fd00:1::2', port: 80 });
  // The IPv4 side is that of an IPv4-only network.
  assert.ok(
    rules(m.ruleset(), 'nat', 'DOCKER').includes(
      `! -i ${br} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80`,
    ),
  );
});

test('an IPv4-only host has no ip6tables view: ruleset6() undefined, host() without an IPv6 iptables entry, same IPv4 rules', () => {
  const script = 'docker network create n4\ndocker run -d --name web --network n4 -p 8080:80 nginx\n';
  for (const version of ['20.10', '26.1', '28.5', '29.7']) {
    const m = runDockerScript(script, { version });
    assert.equal(m.ruleset6(), undefined, version);
    const { firewall } = m.host();
    assert.equal(iptablesStateOf(firewall, 'iptables-nft', 'ipv6'), undefined, version);
    assert.deepEqual(
      firewall.map((s) => s.framework),
      ['iptables-nft'],
      version,
    );
    assert.ok(!Object.keys(m.host().sysctls).some((k) => k.startsWith('net.ipv6')), version);
  }
});

test('removing the IPv6 network and its containers leaves the ip6tables tables as after daemon start', () => {
  const start = DockerDaemonModel.start({ version: '28.5' });
  const before = serializeRuleset(start.fw6.ruleset);
  const m = runDockerScript(
    `${N6}docker run -d --name web --network n6 -p 8080:80 nginx\ndocker rm -f web\ndocker network rm n6\n`,
    { version: '28.5' },
  );
  const after = serializeRuleset(m.fw6.ruleset).replace(':FORWARD DROP', ':FORWARD ACCEPT');
  // The raw table stays once used (iptables-nft); its chains are empty again.
  assert.deepEqual(rules(m.ruleset6(), 'raw', 'PREROUTING'), []);
  assert.equal(
    after.replace(/\*raw\n:PREROUTING ACCEPT \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\nCOMMIT\n/, ''),
    before,
  );
});

test('26.1: ip6tables is experimental — no IPv6 rules by default; --ip6tables needs --experimental', () => {
  const m = runDockerScript(`${N6}docker run -d --name web --network n6 nginx\n`, { version: '26.1' });
  assert.equal(m.inspectContainer('web').address6, 'fd00:1::2');
  assert.deepEqual(rules(m.ruleset6(), 'nat', 'POSTROUTING'), []);
  assert.throws(
    () => DockerDaemonModel.start({ version: '26.1', daemonOptions: ['--ip6tables'] }),
    (e: unknown) => e instanceof DaemonOptionError && /experimental/.test(e.message),
  );
  const x = runDockerScript(
    `dockerd --experimental --ip6tables\n${N6}docker run -d --name web --network n6 -p 8080:80 nginx\n`,
    {
      version: '26.1',
    },
  );
  const r6 = x.ruleset6();
  const br = x.inspectNetwork('n6').bridge;
  assert.equal(r6 && findChain(r6, 'filter', 'FORWARD')?.policy, 'DROP');
  assert.deepEqual(rules(r6, 'nat', 'POSTROUTING'), [
    `-s fd00:1::/64 ! -o ${br} -j MASQUERADE`,
    '-s fd00:1::2/128 -d fd00:1::2/128 -p tcp -m tcp --dport 80 -j MASQUERADE',
  ]);
  assert.deepEqual(rules(r6, 'nat', 'OUTPUT'), ['! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER']);
  assert.deepEqual(rules(r6, 'nat', 'DOCKER'), [
    `-i ${br} -j RETURN`,
    `! -i ${br} -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::2]:80`,
  ]);
  // 26.1 has no raw drops and no link-local exception.
  assert.deepEqual(rules(r6, 'raw', 'PREROUTING'), []);
  assert.ok(rules(r6, 'filter', 'DOCKER-USER').includes('-j RETURN'));
});

test('26.1 isolates every non-internal network in ip6tables, IPv6 or not; 28.5 only IPv6 ones', () => {
  const script = `docker network create n4\ndocker network create --internal i4\n${N6}`;
  const old = runDockerScript(`dockerd --experimental --ip6tables\n${script}`, { version: '26.1' });
  const [n4, n6] = [old.inspectNetwork('n4').bridge, old.inspectNetwork('n6').bridge];
  // Measured on a real 26.1 host with --ip6tables (features/ipv6-isolation.feature on twin).
  assert.deepEqual(rules(old.ruleset6(), 'filter', 'DOCKER-ISOLATION-STAGE-2'), [
    `-o ${n6} -j DROP`,
    `-o ${n4} -j DROP`,
    '-o docker0 -j DROP',
    '-j RETURN',
  ]);
  // Only the IPv6 network has the rest: FORWARD names no IPv4-only bridge.
  assert.ok(!rules(old.ruleset6(), 'filter', 'FORWARD').some((r) => r.includes(n4) || r.includes('docker0')));
  const now = runDockerScript(script, { version: '28.5' });
  const stage2 = rules(now.ruleset6(), 'filter', 'DOCKER-ISOLATION-STAGE-2').join('\n');
  assert.ok(!stage2.includes('docker0') && !stage2.includes(now.inspectNetwork('n4').bridge), stage2);
});

test("docker0 with --ipv6 --fixed-cidr-v6: 26.1 builds the address from the MAC, 28.5 takes IPAM's next", () => {
  const script = 'dockerd --ipv6 --fixed-cidr-v6 2001:db8:1::/64\ndocker run -d --name web nginx\n';
  const old = runDockerScript(script, { version: '26.1' });
  assert.equal(old.inspectContainer('web').address6, '2001:db8:1::242:ac11:2');
  const now = runDockerScript(script, { version: '28.5' });
  assert.equal(now.inspectContainer('web').address6, '2001:db8:1::2');
  assert.equal(now.inspectNetwork('bridge').subnet6, '2001:db8:1::/64');
  assert.ok(
    rules(now.ruleset6(), 'nat', 'POSTROUTING').includes('-s 2001:db8:1::/64 ! -o docker0 -j MASQUERADE'),
  );
});

test('--ipv6 without an IPv6 subnet: 28.5 takes /64s of a ULA /48 in order; 26.1 has no default pool', () => {
  const m = runDockerScript('docker network create --ipv6 a6\ndocker network create --ipv6 b6\n', {
    version: '28.5',
  });
  const a = m.inspectNetwork('a6').subnet6 as string;
  const b = m.inspectNetwork('b6').subnet6 as string;
  assert.match(a, /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
  assert.equal(b, a.replace('::/64', ':1::/64'));
  assert.throws(
    () => runDockerScript('docker network create --ipv6 a6\n', { version: '26.1' }),
    /no default IPv6 address pool/,
  );
});

test('gateway_mode_ipv6: routed accepts ICMPv6 and NATs nothing over IPv6; isolated only on internal networks', () => {
  const m = runDockerScript(
    'docker network create --ipv6 --subnet fd00:2::/64 -o com.docker.network.bridge.gateway_mode_ipv6=routed r6\n' +
      'docker run -d --name web --network r6 -p 8080:80 nginx\n',
    { version: '28.5' },
  );
  const br = m.inspectNetwork('r6').bridge;
  const r6 = m.ruleset6();
  assert.ok(rules(r6, 'filter', 'DOCKER').includes(`-o ${br} -p ipv6-icmp -j ACCEPT`));
  assert.deepEqual(rules(r6, 'nat', 'POSTROUTING'), []);
  assert.ok(!rules(r6, 'nat', 'DOCKER').some((r) => r.includes('DNAT')));
  assert.ok(
    rules(r6, 'filter', 'DOCKER').includes(
      `-d fd00:2::2/128 ! -i ${br} -o ${br} -p tcp -m tcp --dport 80 -j ACCEPT`,
    ),
  );
  // IPv4 stays NATed: the modes are per family.
  assert.ok(rules(m.ruleset(), 'nat', 'POSTROUTING').some((r) => r.includes('MASQUERADE')));
  assert.throws(
    () =>
      runDockerScript(
        'docker network create --ipv6 -o com.docker.network.bridge.gateway_mode_ipv6=isolated x6\n',
        { version: '28.5' },
      ),
    /'isolated' can only be used for an internal network/,
  );
  const iso = runDockerScript(
    'docker network create --internal --ipv6 --subnet fd00:3::/64 -o com.docker.network.bridge.gateway_mode_ipv6=isolated x6\n',
    { version: '29.7' },
  );
  const xb = iso.inspectNetwork('x6').bridge;
  assert.deepEqual(rules(iso.ruleset6(), 'filter', 'DOCKER-INTERNAL'), [
    `! -s fd00:3::/64 ! -i ${xb} -o ${xb} -j DROP`,
    `! -d fd00:3::/64 -i ${xb} ! -o ${xb} -j DROP`,
  ]);
  // An isolated network's bridge has no IPv6 address.
  const bridge = iso.host().interfaces.find((i) => i.name === xb);
  assert.deepEqual(
    bridge?.addresses.map((a) => a.address),
    ['172.18.0.1'],
  );
});

test('ports published on [::] and [::1] by hand on an IPv6 network are NATed in ip6tables', () => {
  const m = runDockerScript(`${N6}docker run -d --name web --network n6 -p [::1]:9090:80 nginx\n`, {
    version: '28.5',
  });
  const br = m.inspectNetwork('n6').bridge;
  assert.deepEqual(rules(m.ruleset6(), 'nat', 'DOCKER').slice(1), [
    `! -s fe80::/10 -d ::1/128 ! -i ${br} -p tcp -m tcp --dport 9090 -j DNAT --to-destination [fd00:1::2]:80`,
  ]);
  assert.ok(!rules(m.ruleset(), 'nat', 'DOCKER').some((r) => r.includes('DNAT')));
});

const PROXY_6_TO_4 =
  'docker network create n4\ndocker run -d --name web --network n4 -p [::]:9090:80 nginx\n';
const NO_PORTS = 'docker network create n4\ndocker run -d --name web --network n4 nginx\n';

test('an IPv6 host address for a container without IPv6 is docker-proxy alone, to its IPv4 address', () => {
  for (const version of ['20.10', '26.1', '28.5', '29.7']) {
    const m = runDockerScript(PROXY_6_TO_4, { version });
    const web = m.inspectContainer('web').address;
    assert.deepEqual(
      m.host().listeners.map((l) => `${l.address}:${l.port} -> ${l.forwardTo?.address}:${l.forwardTo?.port}`),
      [`:::9090 -> ${web}:80`],
      version,
    );
    // No NAT between the families: the rules are those of the same container publishing nothing.
    const bare = runDockerScript(NO_PORTS, { version });
    assert.equal(serializeRuleset(m.ruleset()), serializeRuleset(bare.ruleset()), version);
    assert.equal(m.ruleset6(), undefined, version);
  }
  // Without the proxy Docker skips the mapping and the container starts with none.
  const off = runDockerScript(`dockerd --userland-proxy=false\n${PROXY_6_TO_4}`, { version: '28.5' });
  const offBare = runDockerScript(`dockerd --userland-proxy=false\n${NO_PORTS}`, { version: '28.5' });
  assert.deepEqual(off.host().listeners, []);
  assert.equal(serializeRuleset(off.ruleset()), serializeRuleset(offBare.ruleset()));
  // 17.06 had no IPv6 bindings of this kind: the model refuses rather than guess.
  assert.throws(() => runDockerScript(PROXY_6_TO_4, { version: '17.06' }), /no IPv6 address on n4/);
});

test('-p 8080:80 -p [::]:8080:80 asks for [::]:8080 twice: refused as allocated before 28, as a failed listen from 28', () => {
  const script =
    'docker network create n4\ndocker run -d --name web --network n4 -p 8080:80 -p [::]:8080:80 nginx\n';
  for (const version of ['20.10', '26.1'])
    assert.throws(
      () => runDockerScript(script, { version }),
      /Bind for :::8080 failed: port is already allocated/,
      version,
    );
  for (const version of ['28.5', '29.7'])
    assert.throws(
      () => runDockerScript(script, { version }),
      /failed to set up container networking: driver failed programming external connectivity on endpoint web \([0-9a-f]{64}\): failed to listen on TCP socket: address already in use/,
      version,
    );
  // Another host port on [::] is no duplicate; another container port is a later group,
  // which the allocator refuses as allocated.
  assert.doesNotThrow(() =>
    runDockerScript(script.replace('[::]:8080:80', '[::]:8081:80'), { version: '28.5' }),
  );
  assert.throws(
    () => runDockerScript(script.replace('[::]:8080:80', '[::]:8080:81'), { version: '28.5' }),
    /Bind for :::8080 failed: port is already allocated/,
  );
});

test('29.7 nftables: the [::] binding to an IPv4 container adds only the forward accept, no DNAT', () => {
  const m = runDockerScript(`dockerd --firewall-backend=nftables\n${PROXY_6_TO_4}`, { version: '29.7' });
  const web = m.inspectContainer('web').address ?? '';
  const text = serializeNftRuleset(m.nftRuleset() as NonNullable<ReturnType<typeof m.nftRuleset>>);
  assert.match(
    text,
    new RegExp(`ip daddr ${web.replaceAll('.', '\\.')} tcp dport 80 counter packets 0 bytes 0 accept`),
  );
  assert.doesNotMatch(text, /dnat|9090/);
});

test('29.7 nftables backend: the IPv6 half of a network goes to table ip6 docker-bridges, not ip6tables', () => {
  const m = runDockerScript(
    `dockerd --firewall-backend=nftables\n${N6}docker run -d --name web --network n6 -p 8080:80 nginx\n`,
    {
      version: '29.7',
    },
  );
  assert.equal(m.inspectContainer('web').address6, 'fd00:1::2');
  const nft = m.nftRuleset();
  assert.ok(nft);
  const text = serializeNftRuleset(nft);
  assert.match(text, /table ip docker-bridges/);
  const ip6 = text.slice(text.indexOf('table ip6 docker-bridges'));
  assert.ok(text.indexOf('table ip6 docker-bridges') > text.indexOf('table ip docker-bridges'));
  assert.match(
    ip6,
    /ip6 saddr != fe80::\/10 tcp dport 8080 counter packets 0 bytes 0 dnat to \[fd00:1::2\]:80/,
  );
  assert.match(
    ip6,
    /ip6 daddr fd00:1::2 iifname != "br-[0-9a-f]{12}" counter packets 0 bytes 0 drop comment "DROP DIRECT ACCESS"/,
  );
  assert.match(ip6, /ip6 saddr fd00:1::\/64 counter packets 0 bytes 0 masquerade/);
  assert.deepEqual(rules(m.ruleset6(), 'nat', 'POSTROUTING'), []);
});

test('hand-typed ip6tables lines go to the ip6tables tables and make them visible', () => {
  const m = runDockerScript('ip6tables -I DOCKER-USER -s fd00:9::/64 -j DROP\n', { version: '28.5' });
  assert.deepEqual(rules(m.ruleset6(), 'filter', 'DOCKER-USER'), ['-s fd00:9::/64 -j DROP']);
  assert.ok(!rules(m.ruleset(), 'filter', 'DOCKER-USER').some((r) => r.includes('fd00')));
});

test('a flow over IPv6 through the model: same network delivered, another IPv6 network dropped in raw', async () => {
  const { runFlow } = await import('../netfilter/path/index.ts');
  const m = runDockerScript(
    `${N6}docker network create --ipv6 --subnet fd00:2::/64 n7\ndocker run -d --name web --network n6 nginx\n` +
      'docker run -d --name cli --network n6 nginx\ndocker run -d --name other --network n7 nginx\n',
    { version: '28.5' },
  );
  assert.equal(
    runFlow(m.host(), { protocol: 'icmp', from: 'fd00:1::3', to: 'fd00:1::2', count: 3 }).delivered,
    3,
  );
  const across = runFlow(m.host(), { protocol: 'icmp', from: 'fd00:2::2', to: 'fd00:1::2', count: 3 });
  assert.equal(across.delivered, 0);
  const raw = across.counters.find((c) => c.table === 'raw' && c.chain === 'PREROUTING' && c.rule === 1);
  assert.equal(raw?.packets, 3);
});

test('a reboot and a firewalld reload bring the same ip6tables rules back, not doubled', () => {
  const script = `${N6}docker run -d --restart always --name web --network n6 -p 8080:80 nginx\n`;
  const m = runDockerScript(script, { version: '28.5' });
  const before = serializeRuleset(m.fw6.ruleset);
  m.firewallReload();
  assert.equal(serializeRuleset(m.fw6.ruleset), before);
  m.rebootHost();
  assert.equal(serializeRuleset(m.fw6.ruleset), before);
  assert.equal(m.host().sysctls['net.ipv6.conf.all.forwarding'], '1');
});

test('26.1 knows no gateway modes: gateway_mode_ipv6/_ipv4 are accepted and ignored (NAT as ever)', () => {
  const script =
    'dockerd --experimental --ip6tables\n' +
    'docker network create --ipv6 --subnet fd00:2::/64 -o com.docker.network.bridge.gateway_mode_ipv6=routed ' +
    '-o com.docker.network.bridge.gateway_mode_ipv4=routed r6\n' +
    'docker run -d --name web --network r6 -p 8080:80 nginx\n';
  const m = runDockerScript(script, { version: '26.1' });
  const br = m.inspectNetwork('r6').bridge;
  assert.ok(rules(m.ruleset6(), 'nat', 'POSTROUTING').includes(`-s fd00:2::/64 ! -o ${br} -j MASQUERADE`));
  assert.ok(
    rules(m.ruleset6(), 'nat', 'DOCKER').some((r) => r.includes('--dport 8080 -j DNAT')),
    'the port is published on [::]:8080',
  );
  assert.ok(!rules(m.ruleset6(), 'filter', 'DOCKER').some((r) => r.includes('ipv6-icmp')));
  assert.ok(rules(m.ruleset(), 'nat', 'POSTROUTING').some((r) => r.includes('MASQUERADE')));
  // Even a value 28.5 refuses: 26.1 never reads the key (moby v26.1.5 bridge_linux.go fromLabels).
  runDockerScript(
    'dockerd --experimental --ip6tables\n' +
      'docker network create --ipv6 --subnet fd00:3::/64 -o com.docker.network.bridge.gateway_mode_ipv6=isolated x6\n',
    { version: '26.1' },
  );
  // Mutation check: the same script on 28.5 routes (no MASQUERADE, no DNAT over IPv6).
  const m28 = runDockerScript(script.replace('dockerd --experimental --ip6tables\n', ''), {
    version: '28.5',
  });
  assert.deepEqual(rules(m28.ruleset6(), 'nat', 'POSTROUTING'), []);
});

test('a learnt bridge name renames the IPv6 network’s ip6tables rules too (twin, unnamed bridges)', () => {
  const m = runDockerScript(`${N6}docker run -d --name web --network n6 -p 8080:80 nginx\n`, {
    version: '28.5',
  });
  const old = m.inspectNetwork('n6').bridge;
  const before = serializeRuleset(m.fw6.ruleset);
  assert.ok(before.includes(old));
  m.learnBridgeName('n6', 'br-0123456789ab');
  assert.equal(serializeRuleset(m.fw6.ruleset), before.replaceAll(old, 'br-0123456789ab'));
});

test('an internal IPv6 network alone starts no IPv6 conntrack: a bridged ping counts no ip6 nat chain', async () => {
  const { runFlow } = await import('../netfilter/path/index.ts');
  const script = (internal: string) =>
    `docker network create ${internal}--ipv6 --subnet fd00:1::/64 n6\n` +
    'docker run -d --name a1 --network n6 nginx\ndocker run -d --name b1 --network n6 nginx\n';
  const natRows = (internal: string) => {
    const m = runDockerScript(script(internal), { version: '28.5' });
    const flow = runFlow(m.host(), { protocol: 'icmp', from: 'fd00:1::2', to: 'fd00:1::3', count: 2 });
    assert.equal(flow.delivered, 2);
    return flow.counters.filter((c) => c.table === 'nat');
  };
  assert.deepEqual(natRows('--internal '), []);
  // Mutation check: a network that is not internal has MASQUERADE and DOCKER-CT's conntrack match.
  assert.ok(natRows('').some((c) => c.chain === 'PREROUTING' && c.packets === 1));
});
