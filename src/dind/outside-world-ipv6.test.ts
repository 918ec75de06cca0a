import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv6HostSysctls, OUTSIDE_IPV6, QUIET_IPV6, quietArgv } from './outside-world-ipv6.ts';

describe('outside-world-ipv6', () => {
  it('turns IPv6 on and every quiet setting for all and default interfaces of the host', () => {
    const sysctls = ipv6HostSysctls();
    for (const conf of ['all', 'default']) {
      assert.equal(sysctls[`net.ipv6.conf.${conf}.disable_ipv6`], '0');
      assert.equal(sysctls[`net.ipv6.conf.${conf}.accept_dad`], '0');
      assert.equal(sysctls[`net.ipv6.conf.${conf}.router_solicitations`], '0');
      for (const [key, value] of QUIET_IPV6) assert.equal(sysctls[`net.ipv6.conf.${conf}.${key}`], value);
    }
    assert.equal(Object.keys(sysctls).length, 2 * (QUIET_IPV6.length + 1));
  });

  it('writes each setting in the namespace as one argv (no shell text)', () => {
    const argv = quietArgv('nettwin-client', 'eth0');
    assert.equal(argv.length, QUIET_IPV6.length);
    assert.deepEqual(argv[0], [
      'ip',
      'netns',
      'exec',
      'nettwin-client',
      'sysctl',
      '-qw',
      'net.ipv6.conf.eth0.router_solicitations=0',
    ]);
  });

  it('puts the LAN in fd70::/64 with the IPv4 LAN’s host numbers (.6, .9, .10 = ::a)', () => {
    assert.deepEqual(OUTSIDE_IPV6, { prefix: 64, host: 'fd70::6', client: 'fd70::9', neighbour: 'fd70::a' });
  });
});
