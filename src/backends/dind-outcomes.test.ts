/**
 * What the real backend reads from its clients' words: curl 7.88's verbose lines tell a
 * refusal from a missing route (its one-line error says "Couldn't connect to server" for
 * both, measured in the workload image), and a UDP listener per datagram.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlOutcome, workloadCommand } from './dind.ts';

const curl = (exitCode: number, stderr: string) => ({ exitCode, stdout: '', stderr });

test('curl -v: refused, unreachable (no route in the container, ICMP host unreachable), timeout', () => {
  const tail = "* Failed to connect to 172.18.0.2 port 80 after 0 ms: Couldn't connect to server\n";
  assert.equal(
    curlOutcome(
      curl(7, `*   Trying 127.0.0.1:1...\n* connect to 127.0.0.1 port 1 failed: Connection refused\n${tail}`),
    ),
    'refused',
  );
  assert.equal(
    curlOutcome(curl(7, `* Immediate connect fail for 172.18.0.2: Network is unreachable\n${tail}`)),
    'unreachable',
  );
  assert.equal(
    curlOutcome(curl(7, `* connect to 172.18.0.2 port 80 failed: No route to host\n${tail}`)),
    'unreachable',
  );
  assert.equal(curlOutcome(curl(28, '* Connection timed out after 2501 milliseconds\n')), 'timeout');
  assert.equal(curlOutcome(curl(0, '')), 'ok');
});

test('a UDP listener is one nc -u -l per datagram, logging its peer, never reading stdin', () => {
  const [, , script] = workloadCommand({ name: 'dns', udpListenPorts: [53] });
  assert.match(
    script ?? '',
    /while true; do nc -d -nluv -W 1 -p 53 >>\/tmp\/udp-53\.data 2>>\/tmp\/udp-53\.log; done &/,
  );
  assert.doesNotMatch(workloadCommand({ name: 'idle' })[2] ?? '', /nc /);
});
