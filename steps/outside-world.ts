/** The machines on the Docker host's LAN: the external client and what it routes via the host. */
import { Given } from '@cucumber/cucumber';
import { parseCidr } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

// A neighbour that routes a container subnet via the Docker host (moby#45610): packets
// for the subnet arrive on the host's eth0 and are forwarded, unless a rule stops them.
// An IPv6 subnet (`fd00:1::/64`, gateway_mode_ipv6=routed) goes via the host's fd70::6.
Given(
  /^the external client routes (\S+) via the Docker host$/,
  async function (this: NettwinWorld, cidrText: string) {
    const cidr = this.value(() => parseCidr(cidrText));
    await (await this.host()).routeViaHost(cidr);
  },
);
