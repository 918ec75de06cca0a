import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDnsPorts, MASKED_PORT, maskDnsPorts } from './dns-ports.ts';
import { groundTruthFinal } from './fixtures.test-helper.ts';

test('finds the embedded-DNS ports of a recorded ruleset', () => {
  assert.deepEqual(findDnsPorts(groundTruthFinal('e3-publish-and-proxy')), { tcp: 40669, udp: 53707 });
  assert.deepEqual(findDnsPorts(groundTruthFinal('e1-default-bridge-ping')), { tcp: 42121, udp: 50570 });
});

test('masks the DNS ports only in the DNS chains', () => {
  assert.equal(
    maskDnsPorts(
      'DOCKER_POSTROUTING',
      '-s 127.0.0.11/32 -p tcp -m tcp --sport 40669 -j SNAT --to-source :53',
    ),
    `-s 127.0.0.11/32 -p tcp -m tcp --sport ${MASKED_PORT} -j SNAT --to-source :53`,
  );
  assert.equal(
    maskDnsPorts(
      'DOCKER_OUTPUT',
      '-d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:53707',
    ),
    `-d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:${MASKED_PORT}`,
  );
  const other = '! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80';
  assert.equal(maskDnsPorts('DOCKER', other), other);
});
