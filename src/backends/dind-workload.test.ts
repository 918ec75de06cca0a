/** A container's HTTP body is feature text: it reaches the workload's shell as "$1", never as shell words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PortMapping } from '../contract.ts';
import { parsePublish } from '../docker/publish.ts';
import { canonicalAddress } from '../netfilter/address/index.ts';
import { workloadCommand } from './dind.ts';
import { publishArg } from './dind-workload.ts';
import { httpResponse } from './model-http.ts';

test('property: the workload script is the same text whatever the body; the body is its last argument', () => {
  const script = workloadCommand({ name: 'web', httpBody: 'hello' })[2];
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.constantFrom("'; touch /tmp/x; '", '$(id)', '`id`', '"\n\\', '%s%n')),
      (body) => {
        const argv = workloadCommand({ name: 'web', httpBody: body });
        assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
        assert.equal(argv[2], script);
        assert.deepEqual(argv.slice(3), ['sh', httpResponse(body)]);
      },
    ),
  );
  assert.deepEqual(workloadCommand({ name: 'idle' }).slice(3), ['sh']);
});

test('several HTTP ports (a compose service): one httpd each, the last one in the foreground', () => {
  const script = workloadCommand({ name: 'web', httpBody: 'web', httpPorts: [80, 9090, 8081] })[2] ?? '';
  assert.match(
    script,
    /busybox httpd -p 80 -h \/www; busybox httpd -p 9090 -h \/www; exec busybox httpd -f -p 8081 -h \/www$/,
  );
  const one = workloadCommand({ name: 'web', httpBody: 'web', httpPort: 8080 })[2] ?? '';
  assert.match(one, /exec busybox httpd -f -p 8080 -h \/www$/);
  assert.doesNotMatch(one, /busybox httpd -p/);
});

test('publishArg writes -p as the docker CLI reads it, an IPv6 host address in brackets', () => {
  assert.equal(
    publishArg({ hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' }),
    '[::]:8080:80/tcp',
  );
  assert.equal(publishArg({ hostIp: '127.0.0.1', containerPort: 53, protocol: 'udp' }), '127.0.0.1::53/udp');
  assert.equal(publishArg({ containerPort: 80, protocol: 'tcp' }), '80/tcp');
});

test('publishArg round-trips through the docker CLI grammar for every mapping', () => {
  const port = fc.integer({ min: 1, max: 65535 });
  const hostIp = fc.option(
    fc.oneof(
      fc.ipV4().map((a) => canonicalAddress(a, 'ipv4')),
      fc.ipV6().map((a) => canonicalAddress(a, 'ipv6')),
    ),
    { nil: undefined },
  );
  fc.assert(
    fc.property(
      hostIp,
      fc.option(port, { nil: undefined }),
      port,
      fc.constantFrom('tcp', 'udp'),
      (ip, h, c, proto) => {
        const mapping: PortMapping = {
          ...(ip === undefined ? {} : { hostIp: ip }),
          ...(h === undefined ? {} : { hostPort: h }),
          containerPort: c,
          protocol: proto as 'tcp' | 'udp',
        };
        assert.deepEqual(parsePublish(publishArg(mapping)), [mapping]);
      },
    ),
  );
});
