import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  QUIET_IPV6_ENDPOINT_SYSCTLS,
  quietIpv6NetworkArg,
  quietIpv6NetworkOptions,
} from './dind-containers.ts';

test('a container on an IPv6 network gets the quiet endpoint sysctls in --network CSV form', () => {
  assert.equal(
    quietIpv6NetworkArg('n6'),
    'name=n6,"driver-opt=com.docker.network.endpoint.sysctls=net.ipv6.conf.IFNAME.router_solicitations=0,' +
      'net.ipv6.conf.IFNAME.accept_dad=0,net.ipv6.conf.IFNAME.mldv2_unsolicited_report_interval=10"',
  );
});

test('the --network value reads back as name + one driver-opt holding every sysctl', () => {
  // Docker reads the long --network form as CSV: a quoted field keeps its commas.
  fc.assert(
    fc.property(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,20}$/), (name) => {
      const arg = quietIpv6NetworkArg(name);
      const m = /^name=([^,"]+),"driver-opt=com\.docker\.network\.endpoint\.sysctls=([^"]*)"$/.exec(arg);
      assert.ok(m, arg);
      assert.equal(m[1], name);
      assert.deepEqual(m[2]?.split(','), QUIET_IPV6_ENDPOINT_SYSCTLS);
    }),
  );
});

test('unsolicited neighbour advertisements are turned off where Docker sends them (28+)', () => {
  assert.deepEqual(quietIpv6NetworkOptions('26.1'), []);
  assert.deepEqual(quietIpv6NetworkOptions('20.10'), []);
  assert.deepEqual(quietIpv6NetworkOptions('28.5'), ['-o', 'com.docker.network.advertise_addr_nmsgs=0']);
  assert.deepEqual(quietIpv6NetworkOptions('29.7'), ['-o', 'com.docker.network.advertise_addr_nmsgs=0']);
});
