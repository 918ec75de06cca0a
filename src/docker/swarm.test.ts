/**
 * Swarm's host rules per version (swarm.ts). 28.5 and 29.7 are checked whole against
 * moby's generated document in moby-docs.test.ts; here the versions without a document
 * (20.10, 26.1: facts read in their libnetwork), the jump's place after later networks,
 * refusals, and what the model will not pretend to know.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { DockerScriptError, runDockerScript } from './script.ts';

const SWARM = 'dockerd\ndocker swarm init\ndocker service create --name s1 --publish 8080:80 busybox\n';

function rules(version: string, script: string, table: 'filter' | 'nat', chain?: string): string[] {
  const model = runDockerScript(`# nettwin: baseline=bare\n${script}`, { version });
  const text = serializeRuleset({ tables: model.ruleset().tables.filter((t) => t.name === table) });
  return text.split('\n').filter((l) => l.startsWith(`-A ${chain ?? ''}`));
}

function refusal(version: string, script: string): DockerScriptError {
  try {
    runDockerScript(script, { version });
  } catch (e) {
    if (e instanceof DockerScriptError) return e;
    throw e;
  }
  assert.fail('the script ran');
}

for (const version of ['20.10', '26.1']) {
  test(`${version}: DOCKER-INGRESS jumps from FORWARD under DOCKER-USER; nat as the 28.5 document`, () => {
    assert.deepEqual(rules(version, SWARM, 'filter', 'FORWARD').slice(0, 3), [
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -j DOCKER-INGRESS',
      '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    ]);
    assert.deepEqual(rules(version, SWARM, 'nat', 'DOCKER-INGRESS'), [
      '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080',
      '-A DOCKER-INGRESS -j RETURN',
    ]);
    assert.equal(
      rules(version, SWARM, 'nat', 'POSTROUTING')[0],
      '-A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE',
    );
  });
}

test('20.10 accepts replies with -m state before the port (seed 003), 26.1 with conntrack after it', () => {
  assert.deepEqual(rules('20.10', SWARM, 'filter', 'DOCKER-INGRESS'), [
    '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT',
    '-A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT',
    '-A DOCKER-INGRESS -j RETURN',
  ]);
  assert.deepEqual(rules('26.1', SWARM, 'filter', 'DOCKER-INGRESS'), [
    '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT',
    '-A DOCKER-INGRESS -p tcp -m tcp --sport 8080 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-INGRESS -j RETURN',
  ]);
});

test('until 26.1 a network created later moves the ingress jump back under DOCKER-USER; 28.5 keeps it in DOCKER-FORWARD', () => {
  const later = `${SWARM}docker network create n1\n`;
  assert.deepEqual(rules('20.10', later, 'filter', 'FORWARD').slice(0, 3), [
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-INGRESS',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
  ]);
  assert.deepEqual(rules('28.5', later, 'filter', 'FORWARD'), [
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-FORWARD',
  ]);
  assert.equal(rules('28.5', later, 'filter', 'DOCKER-FORWARD')[0], '-A DOCKER-FORWARD -j DOCKER-INGRESS');
});

test('swarm init alone: docker_gwbridge (icc off) and no DOCKER-INGRESS until a port is published', () => {
  const init = 'dockerd\ndocker swarm init\n';
  assert.ok(
    rules('28.5', init, 'nat', 'POSTROUTING').includes(
      '-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE',
    ),
  );
  assert.ok(
    rules('28.5', init, 'filter', 'DOCKER-FORWARD').includes(
      '-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP',
    ),
  );
  assert.deepEqual(rules('28.5', init, 'filter', 'DOCKER-INGRESS'), []);
  assert.deepEqual(
    rules('28.5', `${init}docker service create --name quiet busybox\n`, 'nat', 'DOCKER-INGRESS'),
    [],
  );
});

test('docker_gwbridge takes the next free pool; the ingress sandbox its first address', () => {
  const taken =
    'dockerd\ndocker network create n1\ndocker swarm init\ndocker service create -p 8080:80 busybox\n';
  const model = runDockerScript(taken, { version: '28.5' });
  assert.equal(model.inspectNetwork('docker_gwbridge').subnet, '172.19.0.0/16');
  assert.equal(model.inspectContainer('ingress-sbox').address, '172.19.0.2');
  assert.equal(model.inspectContainer('service1.1').address, '172.19.0.3');
  assert.equal(model.host().sysctls['net.ipv4.conf.docker_gwbridge.route_localnet'], '1');
});

test('a second service: its rules go on top; a port left out comes from 30000; a port in use is refused', () => {
  const two = `${SWARM}docker service create --name s2 -p published=9090,target=90,protocol=udp -p 443 busybox\n`;
  assert.deepEqual(rules('28.5', two, 'nat', 'DOCKER-INGRESS'), [
    '-A DOCKER-INGRESS -p tcp -m tcp --dport 30000 -j DNAT --to-destination 172.18.0.2:30000',
    '-A DOCKER-INGRESS -p udp -m udp --dport 9090 -j DNAT --to-destination 172.18.0.2:9090',
    '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080',
    '-A DOCKER-INGRESS -j RETURN',
  ]);
  const e = refusal('28.5', `${SWARM}docker service create --name s2 -p 8080:81 busybox\n`);
  assert.equal(e.line, 4);
  assert.ok(e.refused);
  assert.match(e.message, /port '8080' is already in use by service 's1'/);
});

test("refusals in Docker's words: not a manager, already in a swarm, nftables backend", () => {
  assert.match(
    refusal('28.5', 'dockerd\ndocker service create -p 80:80 busybox\n').message,
    /:2: .*not a swarm manager/,
  );
  assert.match(
    refusal('28.5', 'dockerd\ndocker swarm init\ndocker swarm init\n').message,
    /:3: .*already part of a swarm/,
  );
  assert.match(
    refusal('29.7', 'dockerd --firewall-backend=nftables\ndocker swarm init\n').message,
    /:2: Error response from daemon: --firewall-backend=nftables is incompatible with swarm mode/,
  );
});

test('what the model does not cover stops at its line, never an empty or partial ruleset', () => {
  for (const [line, text] of [
    'docker service create --mode global -p 8080:80 busybox',
    'docker service create -p 8080:80 --network my-overlay busybox',
    'docker service create -p published=8080,target=80,mode=host busybox',
    'docker service create -p 8080-8081:80-81 busybox',
    'docker swarm leave --force',
    'docker swarm join --token x 10.0.0.1:2377',
    'docker service rm s1',
    'dockerd restart',
    'reboot',
  ].map((l) => [3, l] as const)) {
    const e = refusal('28.5', `dockerd\ndocker swarm init\n${text}\n`);
    assert.equal(e.line, line, text);
    assert.equal(e.refused, false, `${text}: not Docker refusing, the model not covering it`);
  }
});

test('--iptables=false: a swarm, no rules', () => {
  assert.deepEqual(
    rules(
      '28.5',
      'dockerd --iptables=false\ndocker swarm init\ndocker service create -p 8080:80 busybox\n',
      'nat',
    ),
    [],
  );
});
