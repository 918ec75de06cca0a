/** A container's HTTP body is feature text: it reaches the workload's shell as "$1", never as shell words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { workloadCommand } from './dind.ts';
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
