import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  hasEndpointSysctls,
  QUIET_IPV6_ENDPOINT_SYSCTLS,
  quietIpv6ConnectArgs,
  quietIpv6NetworkArg,
  quietIpv6NetworkOptions,
  quietIpv6RunArgs,
} from './dind-ipv6-quiet.ts';

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

test('docker run: endpoint sysctls from Docker 27, --sysctl on eth0 before (26.1 ignores the driver-opt)', () => {
  assert.deepEqual(quietIpv6RunArgs('n6', '28.5'), ['--network', quietIpv6NetworkArg('n6')]);
  assert.deepEqual(quietIpv6RunArgs('n6', '27.0'), ['--network', quietIpv6NetworkArg('n6')]);
  assert.deepEqual(quietIpv6RunArgs('n6', '26.1'), [
    '--network',
    'n6',
    '--sysctl',
    'net.ipv6.conf.eth0.router_solicitations=0',
    '--sysctl',
    'net.ipv6.conf.eth0.accept_dad=0',
    '--sysctl',
    'net.ipv6.conf.eth0.mldv2_unsolicited_report_interval=10',
  ]);
});

test('every --sysctl of an old Docker is one endpoint sysctl with eth0 for IFNAME', () => {
  fc.assert(
    fc.property(fc.constantFrom('20.10', '23.0', '24.0', '25.0', '26.1'), (version) => {
      const args = quietIpv6RunArgs('n', version);
      const sysctls = args.filter((_, i) => args[i - 1] === '--sysctl');
      assert.deepEqual(
        sysctls,
        QUIET_IPV6_ENDPOINT_SYSCTLS.map((s) => s.replace('IFNAME', 'eth0')),
      );
    }),
  );
});

test('docker network connect carries the endpoint sysctls from Docker 27 only', () => {
  assert.deepEqual(quietIpv6ConnectArgs('26.1'), []);
  assert.deepEqual(quietIpv6ConnectArgs('29.7'), [
    '--driver-opt',
    `com.docker.network.endpoint.sysctls=${QUIET_IPV6_ENDPOINT_SYSCTLS.join(',')}`,
  ]);
  assert.equal(hasEndpointSysctls('26.1'), false);
  assert.equal(hasEndpointSysctls('27.5'), true);
});
