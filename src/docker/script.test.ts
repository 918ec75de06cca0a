import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findChain } from '../netfilter/ruleset/index.ts';
import { DockerScriptError, parseDockerScript, runDockerScript, servedPorts } from './script.ts';

const one = (line: string) => {
  const actions = parseDockerScript(line);
  assert.equal(actions.length, 1, `one action for: ${line}`);
  return actions[0];
};

test('docker run flags: combined shorts, = forms, publish specs, image and command', () => {
  const a = one(
    `docker run -dit --name=web --network test_net --ip 172.18.0.66 -p 127.0.0.1:8080:80 -p 53:53/udp -p 9000-9001:9000-9001 --restart always img sh -c 'exec busybox httpd -f -p 80'`,
  );
  assert.equal(a?.kind, 'run');
  if (a?.kind !== 'run') return;
  assert.deepEqual(a.container, {
    name: 'web',
    network: 'test_net',
    ip: '172.18.0.66',
    restart: 'always',
    httpPort: 80,
    publish: [
      { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 53, containerPort: 53, protocol: 'udp' },
      { hostPort: 9000, containerPort: 9000, protocol: 'tcp' },
      { hostPort: 9001, containerPort: 9001, protocol: 'tcp' },
    ],
  });
});

test('network create, rm, connect; host lines; ; and && split commands', () => {
  const acts = parseDockerScript(
    [
      'dockerd --userland-proxy=false --icc=false',
      '# a comment',
      'docker network create test_web -d bridge -o com.docker.network.bridge.name=test_web --subnet=172.30.0.0/16 --gateway=172.30.0.1 --internal',
      'docker network connect --ip 172.30.0.9 test_web box; docker network disconnect test_web box && docker network rm test_web',
      'sudo iptables -t nat -D POSTROUTING 1  # trailing comment',
      'sysctl -w net.ipv4.ip_forward=0',
      'kill $(pidof docker-proxy)',
      'dockerd restart',
      'docker exec -d test3 sh -c "nc -l -p 9000 > /tmp/peer"',
    ].join('\n'),
  );
  assert.deepEqual(
    acts.map((a) => a.kind),
    [
      'dockerd',
      'network-create',
      'network-connect',
      'network-disconnect',
      'network-rm',
      'iptables',
      'sysctl',
      'kill-proxy',
      'dockerd-restart',
      'noop',
    ],
  );
  const create = acts[1];
  assert.ok(create?.kind === 'network-create');
  assert.deepEqual(create.network, {
    name: 'test_web',
    driver: 'bridge',
    options: { 'com.docker.network.bridge.name': 'test_web' },
    subnet: '172.30.0.0/16',
    gateway: '172.30.0.1',
    internal: true,
  });
  const ipt = acts[5];
  assert.ok(ipt?.kind === 'iptables');
  assert.deepEqual(ipt.argv, ['-t', 'nat', '-D', 'POSTROUTING', '1']);
  assert.equal(acts[2]?.line, 4);
});

test('errors name the file, the line and the token, and say what is supported', () => {
  const cases: Array<[string, number, string, RegExp]> = [
    [
      'docker run --name a --mystery x img',
      1,
      '--mystery',
      /unknown flag --mystery for docker run.*--publish/,
    ],
    ['\ndocker swarm leave --force', 2, 'leave', /not modelled.*"docker swarm init"/],
    ['\ndocker plugin ls', 2, 'plugin', /unknown docker command.*docker network create/],
    ['docker service create --mode global -p 8080:80 busybox', 1, '--mode global', /only --mode replicated/],
    ['docker run -d img', 1, 'img', /--name/],
    ['docker network create -d overlay o', 1, 'overlay', /only bridge/],
    ['docker run --name a -p 80:80/sctp img', 1, '80:80/sctp', /tcp or udp/],
    ['docker ps | grep x', 1, '|', /one command per line/],
    ['docker ps\ndockerd --icc=false', 2, 'dockerd', /first command/],
    ['ip link del docker0', 1, 'ip', /unknown command/],
  ];
  for (const [text, line, token, message] of cases) {
    assert.throws(
      () => parseDockerScript(text, { file: 's.docker' }),
      (e: unknown) => {
        assert.ok(e instanceof DockerScriptError, `DockerScriptError for ${text}`);
        assert.equal(e.file, 's.docker');
        assert.equal(e.line, line, text);
        assert.equal(e.token, token, text);
        assert.match(e.message, message);
        assert.match(e.message, new RegExp(`^s\\.docker:${line}: `));
        return true;
      },
    );
  }
});

test('runDockerScript: model errors and failing iptables lines carry the script line', () => {
  assert.throws(
    () =>
      runDockerScript('docker run -d --name ab img\ndocker run -d --name ab img', {
        version: '20.10',
        file: 'x',
      }),
    /^DockerScriptError: x:2: .*already in use/,
  );
  assert.throws(
    () => runDockerScript('iptables -D FORWARD -j NOPE', { version: '20.10', file: 'x' }),
    /x:1: iptables failed/,
  );
  assert.throws(() => runDockerScript('dockerd --bogus', { version: '20.10', file: 'x' }), /x:1: .*--bogus/);
  assert.throws(() => runDockerScript('', { version: '99.1' }), /unknown Docker version "99.1".*20.10/);
});

test('runDockerScript with onRefusal: a refused line changes nothing and the script goes on, as a shell would', () => {
  const refused: string[] = [];
  const script = [
    'docker network create n1',
    'docker run -d --name a --network n1 img',
    'docker network create n1',
    'docker network create --subnet 172.18.0.0/16 clash',
    'docker run -d --name web --network n1 img',
  ].join('\n');
  const m = runDockerScript(script, {
    version: '20.10',
    file: 'x',
    onRefusal: (e) => refused.push(e.message),
  });
  assert.deepEqual(
    refused.map((r) => r.split(' (at ')[0]),
    [
      'x:2: Error response from daemon: Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
      'x:3: Error response from daemon: network with name n1 already exists',
      'x:4: Error response from daemon: Pool overlaps with other one on this address space',
    ],
  );
  assert.deepEqual(
    m.listNetworks().map((n) => n.name),
    ['bridge', 'n1'],
  );
  assert.equal(m.inspectContainer('web').address, '172.18.0.2');
  assert.throws(() => m.inspectContainer('a'), /No such container: a/);
});

test('pragmas set the baseline and DNS ports; dockerd options reach the daemon', () => {
  const m = runDockerScript(
    '# nettwin: baseline=dind dns-ports=40669,53707\ndockerd --userland-proxy=false',
    {
      version: '20.10',
    },
  );
  assert.equal(m.baseline, 'dind');
  assert.equal(m.daemon.userlandProxy, false);
  assert.ok(
    findChain(m.ruleset(), 'nat', 'DOCKER_OUTPUT')?.rules.some((r) => r.text.endsWith('127.0.0.11:40669')),
  );
  assert.throws(() => parseDockerScript('# nettwin: colour=blue'), /unknown pragma/);
});

test('served ports are read from the command or a known image', () => {
  assert.deepEqual(servedPorts('local/workload:1', ['sh', '-c', 'exec busybox httpd -f -p 8000 -h /www']), {
    http: 8000,
    tcp: [],
  });
  assert.deepEqual(servedPorts('img', ['nc', '-l', '-p', '9000']), { tcp: [9000] });
  assert.deepEqual(servedPorts('lkarrie/nginx1', []), { http: 80, tcp: [] });
  assert.deepEqual(servedPorts('busybox', ['sleep', '100000']), { tcp: [] });
});
