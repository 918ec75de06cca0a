import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatIPv6 } from '../netfilter/address/index.ts';
import { DockerScriptError, parseDockerScript } from './script.ts';

const network = (line: string) => {
  const [a] = parseDockerScript(line);
  assert.equal(a?.kind, 'network-create');
  return a?.kind === 'network-create' ? a.network : undefined;
};

test('docker network create --ipv6 with a subnet and a gateway per family', () => {
  assert.deepEqual(
    network(
      'docker network create --ipv6 --subnet fd00:1::/64 --subnet 172.30.0.0/24 --gateway fd00:1::fe --gateway 172.30.0.1 n6',
    ),
    {
      name: 'n6',
      driver: 'bridge',
      options: {},
      subnet: '172.30.0.0/24',
      subnet6: 'fd00:1::/64',
      gateway: '172.30.0.1',
      gateway6: 'fd00:1::fe',
      ipv6: true,
    },
  );
  assert.throws(
    () => parseDockerScript('docker network create --subnet fd00:1::/64 --subnet fd00:2::/64 n6'),
    (e: unknown) => e instanceof DockerScriptError && /given twice for IPv6/.test(e.message),
  );
});

test('ip6tables host lines keep their program word (the model sends them to ip6tables)', () => {
  const [a] = parseDockerScript('ip6tables -I DOCKER-USER -j DROP');
  assert.deepEqual(a?.kind === 'iptables' ? a.argv : undefined, [
    'ip6tables',
    '-I',
    'DOCKER-USER',
    '-j',
    'DROP',
  ]);
});

test('property: one --subnet of each family, in either order, lands in subnet and subnet6', () => {
  fc.assert(
    fc.property(
      fc.ipV4(),
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      fc.boolean(),
      (v4, v6, v6First) => {
        const s4 = `${v4}/24`;
        const s6 = `${formatIPv6(v6)}/64`;
        const flags = v6First ? `--subnet ${s6} --subnet ${s4}` : `--subnet ${s4} --subnet ${s6}`;
        const n = network(`docker network create --ipv6 ${flags} net`);
        assert.equal(n?.subnet, s4);
        assert.equal(n?.subnet6, s6);
      },
    ),
  );
});
