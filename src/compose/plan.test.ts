import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ComposeError, composeDirectoryName, readCompose } from './index.ts';

const read = (text: string, projectName = 'p') => readCompose(text, { file: 'compose.yaml', projectName });

function refusal(
  text: string,
  options: { projectName?: string; directoryName?: string } = { projectName: 'p' },
) {
  try {
    readCompose(text, { file: 'compose.yaml', ...options });
  } catch (error) {
    assert.ok(error instanceof ComposeError, `not a ComposeError: ${String(error)}`);
    return error;
  }
  assert.fail('expected a ComposeError');
}

test('the shop fixture: networks first, then api before web (depends_on), named as compose names them', () => {
  const file = 'features/compose/shop/compose.yaml';
  const plan = readCompose(readFileSync(file, 'utf8'), { file, directoryName: composeDirectoryName(file) });
  assert.equal(plan.project, 'shop');
  assert.deepEqual(
    plan.steps.map((s) =>
      s.kind === 'network' ? `network ${s.network.name}` : `run ${s.container.options.name}`,
    ),
    ['network shop_front', 'network shop_back', 'run shop-api-1', 'run shop-web-1'],
  );
  const back = plan.networks.find((n) => n.key === 'back');
  assert.deepEqual(back?.options, {
    name: 'shop_back',
    driver: 'bridge',
    internal: true,
    subnet: '172.30.10.0/24',
  });
  const [api, web] = plan.containers;
  assert.deepEqual(api?.options, {
    name: 'shop-api-1',
    httpBody: 'api',
    httpPort: 80,
    httpPorts: [80],
    network: 'shop_back',
    ip: '172.30.10.10',
    aliases: ['api', 'orders'],
  });
  assert.deepEqual(api?.connect, []);
  // The front network gives web its default route: it runs there, publishes there, joins back after.
  assert.equal(web?.options.network, 'shop_front');
  assert.deepEqual(web?.options.publish, [
    { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
    { hostIp: '127.0.0.1', containerPort: 9090, hostPort: 9090, protocol: 'tcp' },
  ]);
  assert.deepEqual(web?.options.httpPorts, [80, 9090]);
  assert.deepEqual(web?.connect, [{ network: 'shop_back', endpoint: { aliases: ['web'] } }]);
});

test('a service that names no network joins <project>_default, created only when used', () => {
  const plan = read('services:\n  a: {image: x}\nnetworks:\n  unused: {}\n');
  assert.deepEqual(
    plan.networks.map((n) => n.name),
    ['p_default'],
  );
  assert.equal(plan.containers[0]?.options.network, 'p_default');
});

test('name:, external networks and an overridden default', () => {
  const plan = read(
    [
      'services:',
      '  a: {networks: [lan, default]}',
      'networks:',
      '  default: {name: shared-default}',
      '  lan: {external: true, name: corp-lan}',
    ].join('\n'),
  );
  assert.deepEqual(
    plan.networks.map((n) => [n.key, n.name, n.external]),
    [
      ['default', 'shared-default', false],
      ['lan', 'corp-lan', true],
    ],
  );
  assert.deepEqual(plan.steps.filter((s) => s.kind === 'network').length, 1);
});

test('replicas and scale name containers <project>-<service>-<n>; container_name replaces it', () => {
  const plan = read(
    'services:\n  w: {deploy: {replicas: 3}}\n  s: {scale: 2}\n  c: {container_name: fixed}\n  z: {scale: 0}\n',
  );
  assert.deepEqual(
    plan.containers.map((c) => c.options.name),
    ['p-w-1', 'p-w-2', 'p-w-3', 'p-s-1', 'p-s-2', 'fixed'],
  );
});

test('network_mode: host, none, bridge, service:NAME (after NAME), container:NAME', () => {
  const plan = read(
    [
      'services:',
      '  side: {network_mode: "service:main"}',
      '  main: {ports: ["80"]}',
      '  h: {network_mode: host, ports: ["8080:80"]}',
      '  n: {network_mode: none}',
      '  b: {network_mode: bridge, ports: ["127.0.0.1::80/udp"]}',
      '  c: {network_mode: "container:other"}',
    ].join('\n'),
  );
  const by = new Map(plan.containers.map((c) => [c.service, c.options]));
  assert.deepEqual(
    plan.containers.map((c) => c.service),
    ['main', 'side', 'h', 'n', 'b', 'c'],
  );
  assert.equal(by.get('side')?.network, 'container:p-main-1');
  assert.equal(by.get('h')?.network, 'host');
  assert.equal(by.get('h')?.publish, undefined, 'Docker discards port bindings with the host network');
  assert.equal(by.get('n')?.network, 'none');
  assert.deepEqual(by.get('b')?.publish, [{ hostIp: '127.0.0.1', containerPort: 80, protocol: 'udp' }]);
  assert.deepEqual(by.get('b')?.udpListenPorts, [80]);
  assert.equal(by.get('c')?.network, 'container:other');
});

test('port short syntax: ranges pair up, a bare port is ephemeral', () => {
  const plan = read(
    'services:\n  a: {ports: ["8000-8001:80-81", "3000", 53/udp, "0.0.0.0:9000:9000/tcp"]}\n',
  );
  assert.deepEqual(plan.containers[0]?.options.publish, [
    { containerPort: 80, hostPort: 8000, protocol: 'tcp' },
    { containerPort: 81, hostPort: 8001, protocol: 'tcp' },
    { containerPort: 3000, protocol: 'tcp' },
    { containerPort: 53, protocol: 'udp' },
    { hostIp: '0.0.0.0', containerPort: 9000, hostPort: 9000, protocol: 'tcp' },
  ]);
});

test('an IPv6 host address: bracketed in short syntax, either way in host_ip, written canonically', () => {
  const plan = read(
    'services:\n  a:\n    ports:\n      - "[::]:8080:80"\n      - {target: 53, host_ip: "FD00:0::1", protocol: udp}\n      - {target: 81, host_ip: "[::1]", published: "8081"}\n',
  );
  assert.deepEqual(plan.containers[0]?.options.publish, [
    { hostIp: '::', containerPort: 80, hostPort: 8080, protocol: 'tcp' },
    { hostIp: 'fd00::1', containerPort: 53, protocol: 'udp' },
    { hostIp: '::1', containerPort: 81, hostPort: 8081, protocol: 'tcp' },
  ]);
});

test('driver options and ipam reach NetworkOptions', () => {
  const plan = read(
    [
      'services: {a: {}}',
      'networks:',
      '  default:',
      '    driver: bridge',
      '    driver_opts:',
      '      com.docker.network.bridge.name: br-shop',
      '      com.docker.network.bridge.enable_icc: "false"',
      '      com.docker.network.bridge.enable_ip_masquerade: false',
      '      com.docker.network.bridge.host_binding_ipv4: 127.0.0.1',
      '    ipam: {config: [{subnet: 172.31.0.0/16, gateway: 172.31.0.254, ip_range: 172.31.5.0/24}]}',
    ].join('\n'),
  );
  assert.deepEqual(plan.networks[0]?.options, {
    name: 'p_default',
    driver: 'bridge',
    options: {
      'com.docker.network.bridge.name': 'br-shop',
      'com.docker.network.bridge.enable_icc': 'false',
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
      'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
    },
    subnet: '172.31.0.0/16',
    ipRange: '172.31.5.0/24',
    gateway: '172.31.0.254',
  });
});

test('refusals name file:line and the key', () => {
  const cases: Array<[string, number, string, RegExp]> = [
    ['services:\n  a:\n    image: x\n    dns: 8.8.8.8\n', 4, 'services.a.dns', /not modelled/],
    ['services:\n  a:\n    bogus: 1\n', 3, 'services.a.bogus', /not a key of a compose service/],
    [
      'services:\n  a: {}\nnetworks:\n  default:\n    enable_ipv6: true\n',
      5,
      'networks.default.enable_ipv6',
      /IPv6 is not modelled yet/,
    ],
    [
      'services:\n  a:\n    ports:\n      - "80"\n      - "8000-8010:80"\n',
      5,
      'services.a.ports[1]',
      /host port range/,
    ],
    ['services:\n  a:\n    ports: ["::1:80:80"]\n', 3, 'services.a.ports[0]', /in brackets: \[::\]:8080:80/],
    [
      'services:\n  a:\n    ports: ["[fe80::1%eth0]:80:80"]\n',
      3,
      'services.a.ports[0]',
      /not a host address/,
    ],
    ['services:\n  a:\n    depends_on: [b]\n', 3, 'services.a.depends_on', /does not declare/],
    ['services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n', 2, 'services.a.depends_on', /cycle/],
    ['services:\n  a:\n    networks: [nope]\n', 3, 'services.a.networks.nope', /does not declare/],
    [
      'services:\n  a:\n    network_mode: host\n    networks: [x]\n',
      4,
      'services.a.networks',
      /exclude each other/,
    ],
    [
      'services:\n  a: {}\nnetworks:\n  default:\n    driver: overlay\n',
      5,
      'networks.default.driver',
      /only bridge/,
    ],
    [
      'services:\n  a: {}\nnetworks:\n  default:\n    driver_opts:\n      com.docker.network.bridge.enable_ipv6: "true"\n',
      6,
      'networks.default.driver_opts["com.docker.network.bridge.enable_ipv6"]',
      /not modelled/,
    ],
    ['services:\n  a:\n    ports: ["$PORT:80"]\n', 3, 'services.a.ports[0]', /interpolation is not modelled/],
    ['services:\n  a:\n    image: x\n  a:\n    image: y\n', 4, '', /not valid YAML/],
    ['services: [a, b]\n', 1, 'services', /mapping/],
    // Docker refuses both in another container's namespace (measured: compose 2.40.3 on 28.5.2).
    [
      'services:\n  a: {}\n  b:\n    network_mode: service:a\n    expose: ["81"]\n',
      5,
      'services.b.expose',
      /conflicting options: port exposing and the container type network mode/,
    ],
    [
      'services:\n  b:\n    network_mode: container:x\n    ports: ["81:81"]\n',
      4,
      'services.b.ports',
      /conflicting options: port publishing and the container type network mode/,
    ],
  ];
  for (const [text, line, key, detail] of cases) {
    const e = refusal(text);
    assert.equal(e.line, line, `${text}\n${e.message}`);
    assert.equal(e.key, key, e.message);
    assert.match(e.detail, detail);
    assert.ok(e.message.startsWith(`compose.yaml:${line}: `), e.message);
  }
});

test('keys behind a merge key are placed on their own line', () => {
  const e = refusal('x-base: &base\n  links: [db]\nservices:\n  a:\n    <<: *base\n    image: x\n');
  assert.equal(e.key, 'services.a.links');
  assert.equal(e.line, 2);
});

test('a project name given must be valid; a directory name is normalised', () => {
  assert.match(refusal('services: {a: {}}', { projectName: 'My Shop' }).message, /not valid/);
  assert.equal(
    readCompose('services: {a: {}}', { file: 'f', directoryName: 'My.Shop_2' }).project,
    'myshop_2',
  );
  assert.equal(
    readCompose('name: top\nservices: {a: {}}', { file: 'f', directoryName: 'dir' }).project,
    'top',
  );
  assert.match(refusal('services: {a: {}}', { directoryName: '...' }).message, /gives no project name/);
});

test('profiles keep a service from starting', () => {
  const plan = read('services:\n  a: {}\n  debug: {profiles: [debug]}\n');
  assert.deepEqual(
    plan.containers.map((c) => c.service),
    ['a'],
  );
});

test('keys named like Object.prototype members are keys like any other', () => {
  assert.match(
    refusal('services:\n  a:\n    constructor: 1\n').message,
    /"constructor" is not a key of a compose service/,
  );
  assert.match(
    refusal('services:\n  a:\n    networks: [toString]\n').message,
    /uses network "toString", which networks: does not declare/,
  );
});
