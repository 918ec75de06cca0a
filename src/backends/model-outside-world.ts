/**
 * The world around the DinD host, as the model plays it (the real one is
 * src/dind/outside-world.ts): the host's uplink eth0 (192.168.70.6/24, and fd70::6/64 on a
 * host "with IPv6"), and the external client beside it on that LAN, answering ping only,
 * whose only routes are the LAN and what a step routed via the host. Kept apart from
 * model.ts because it is a fixed description of the surroundings, not the backend's state.
 */
import { formatCidr, makeCidr, parseIPv4 } from '../netfilter/address/index.ts';
import type { HostInterface, HostState } from '../netfilter/host-types.ts';
import { ModelBackendError } from './model-contract.ts';
import {
  DIND_HOST_ADDRESS,
  DIND_HOST_ADDRESS6,
  EXTERNAL_CLIENT_ADDRESS6,
  LAN_PREFIX6,
  LAN6,
} from './model-traffic.ts';

const DIND_HOST_PREFIX = 24;
export const EXTERNAL_CLIENT_ADDRESS = '192.168.70.9';
export const EXTERNAL_CLIENT_NAME = 'external';

/** The Docker host's eth0; `ipv6`: a host started "with IPv6" has fd70::6/64 on it too. */
export function dindUplink(ipv6: boolean): HostInterface {
  return {
    name: 'eth0',
    kind: 'ether',
    addresses: [
      { address: DIND_HOST_ADDRESS, prefix: DIND_HOST_PREFIX },
      // A host "with IPv6" has fd70::6/64 on eth0 too (src/dind/outside-world-ipv6.ts).
      ...(ipv6 ? [{ address: DIND_HOST_ADDRESS6, prefix: LAN_PREFIX6 }] : []),
    ],
    up: true,
  };
}

/**
 * Put the external client among the host's neighbours, once: at `external` on a Docker
 * host (`dockerHost`), and at fd70::9 wherever eth0 has fd70::6. `routes`: what steps
 * routed via the host.
 */
export function addExternalClient(
  state: HostState,
  external: string,
  routes: readonly string[],
  dockerHost: boolean,
): void {
  if (dockerHost && !state.neighbours.some((n) => n.address === external)) {
    // The outer client: a machine beside the DinD host on eth0, answering ping only.
    // Its only routes: the LAN, and what a step routed via the host (no default route:
    // the LAN leads nowhere), so a packet for a container subnet fails inside it unless routed.
    state.neighbours.push({
      name: EXTERNAL_CLIENT_NAME,
      address: external,
      dev: 'eth0',
      listeners: [],
      reaches: [`${lanOf(external)}`, ...routes.filter((r) => !r.includes(':'))],
    });
  }
  const uplink6 = state.interfaces.some(
    (i) => i.name === 'eth0' && i.addresses.some((a) => a.address === DIND_HOST_ADDRESS6),
  );
  if (uplink6 && !state.neighbours.some((n) => n.address === EXTERNAL_CLIENT_ADDRESS6)) {
    // Its IPv6 address on the same LAN: a second entry, as for a container's.
    state.neighbours.push({
      name: EXTERNAL_CLIENT_NAME,
      address: EXTERNAL_CLIENT_ADDRESS6,
      dev: 'eth0',
      listeners: [],
      // What a step routed via the host's fd70::6 (gateway_mode_ipv6=routed subnets).
      reaches: [LAN6, ...routes.filter((r) => r.includes(':'))],
    });
  }
}

/** An IPv6 route (`cidr`) goes via the host's fd70::6, which only a host started "with IPv6" has. */
export function requireIpv6Uplink(state: HostState, cidr: string): void {
  if (!state.neighbours.some((n) => n.address === EXTERNAL_CLIENT_ADDRESS6))
    throw new ModelBackendError(
      `the external client cannot route ${cidr} via the Docker host: it has no IPv6 address (start the host "with IPv6")`,
    );
}

/** The external client's LAN: the host's eth0 subnet, which it shares. */
function lanOf(address: string): string {
  return formatCidr(makeCidr(parseIPv4(address), DIND_HOST_PREFIX));
}
