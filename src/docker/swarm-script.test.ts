/** The swarm lines' parsers (swarm-script.ts): both --publish forms agree; bad input is a FlagError, never a guess. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FlagError } from './cli-flags.ts';
import { parseServiceCreate, parseServicePublish, parseSwarmCommand } from './swarm-script.ts';

const port = fc.integer({ min: 1, max: 65535 });
const proto = fc.constantFrom('tcp' as const, 'udp' as const);

test('--publish P:T/PROTO and published=P,target=T,protocol=PROTO are the same port', () => {
  fc.assert(
    fc.property(port, port, proto, (p, t, pr) => {
      const expected = { protocol: pr, publishedPort: p, targetPort: t };
      assert.deepEqual(parseServicePublish(`${p}:${t}/${pr}`), expected);
      assert.deepEqual(parseServicePublish(`published=${p},target=${t},protocol=${pr}`), expected);
      assert.deepEqual(
        parseServicePublish(`target=${t},published=${p},protocol=${pr},mode=ingress`),
        expected,
      );
    }),
  );
  assert.deepEqual(parseServicePublish('80'), { protocol: 'tcp', targetPort: 80 });
});

test('any --publish text: a port in range, or a FlagError naming the text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9:=,/a-z-]{0,20}$/)), (text) => {
      try {
        const r = parseServicePublish(text);
        assert.ok(r.targetPort >= 1 && r.targetPort <= 65535);
        if (r.publishedPort !== undefined) assert.ok(r.publishedPort >= 1 && r.publishedPort <= 65535);
      } catch (e) {
        assert.ok(e instanceof FlagError, String(e));
        assert.equal(e.token, text);
      }
    }),
  );
  for (const bad of [
    '0:80',
    '8080:65536',
    '8080:80/sctp',
    'published=8080,target=80,mode=host',
    '80-81:80-81',
    'target=80,x=1',
  ])
    assert.throws(() => parseServicePublish(bad), FlagError, bad);
});

test('docker service create: flags, then IMAGE and its command; any unknown flag is an error', () => {
  assert.deepEqual(
    parseServiceCreate(['--name', 's1', '-d', '--replicas=2', '-p', '8080:80', 'busybox', 'top', '-n']),
    {
      name: 's1',
      image: 'busybox',
      replicas: 2,
      ports: [{ protocol: 'tcp', publishedPort: 8080, targetPort: 80 }],
    },
  );
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^-{1,2}[a-z-]{1,12}$/), { minLength: 1, maxLength: 3 }),
      (flags) => {
        try {
          parseServiceCreate([...flags, 'busybox']);
        } catch (e) {
          assert.ok(e instanceof FlagError, String(e));
        }
      },
    ),
  );
  assert.throws(() => parseServiceCreate(['--network', 'o1', 'busybox']), FlagError);
  assert.throws(() => parseServiceCreate(['-p', '80:80']), /needs an IMAGE/);
  assert.throws(() => parseSwarmCommand(['join', '--token', 'x', '10.0.0.1']), /not modelled/);
  assert.equal(parseSwarmCommand(['init', '--advertise-addr', '192.168.70.6']), 'init');
});
