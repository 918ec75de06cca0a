/**
 * The outer network: a bridge on the runner's engine with its own subnet
 * (192.168.70.0/24 by default, never 172.16–172.31 or the inner docker0 collides),
 * on which DinD hosts and the outer client sit at fixed addresses. One per session.
 */
import createDebug from 'debug';
import type Docker from 'dockerode';
import type { DindConfig } from './config.ts';
import { requireDocker } from './docker-client.ts';
import { SESSION_ID, sessionLabels } from './labels.ts';

const log = createDebug('nettwin:dind');

export interface StartedOuterNetwork {
  name: string;
  id: string;
  subnet: string;
  gateway: string;
  /** Address of the n-th host (0-based): .6, .7, … skipping the client's address. */
  hostAddress(index: number): string;
  clientAddress: string;
  remove(): Promise<void>;
}

/** Move an address or CIDR k /24s up: 192.168.70.6 → 192.168.71.6 for k = 1. */
function shiftSubnet(address: string, k: number): string {
  const [ip, prefix] = address.split('/');
  const parts = (ip as string).split('.').map(Number);
  parts[2] = (parts[2] as number) + k;
  return prefix === undefined ? parts.join('.') : `${parts.join('.')}/${prefix}`;
}

function addOffset(address: string, offset: number): string {
  const parts = address.split('.').map(Number);
  parts[3] = (parts[3] as number) + offset;
  return parts.join('.');
}

/**
 * Create the session's outer network. When the subnet is taken (another live session),
 * move to the next /24 (.71, .72 …): addresses keep their last octet.
 */
export async function createOuterNetwork(config: DindConfig): Promise<StartedOuterNetwork> {
  const docker = await requireDocker();
  const name = `nettwin-${SESSION_ID}-outer-${process.pid}`;
  let lastError: unknown;
  for (let k = 0; k < 10; k++) {
    const subnet = shiftSubnet(config.outerSubnet, k);
    const gateway = shiftSubnet(config.outerGateway, k);
    log('Starting network "%s" (%s)...', name, subnet);
    try {
      const network: Docker.Network = await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        // Internal: the DinD hosts get no default route, so nothing a scenario does (a
        // resolver falling back to public DNS, a typo in an address) can leave the
        // project's own test hosts.
        Internal: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
        Labels: sessionLabels('outer-network'),
      });
      log('Started network "%s" with ID "%s"', name, network.id);
      if (k > 0) {
        // Features name 192.168.70.6 (seed 004's host): on a shifted subnet they would
        // time out with no hint why.
        console.warn(
          `nettwin: ${config.outerSubnet} is held by another network (another nettwin run?); this run uses ${subnet}, ` +
            `so steps that name addresses in ${config.outerSubnet} will not reach its hosts.`,
        );
      }
      const firstHost = shiftSubnet(config.hostAddress, k);
      const clientAddress = shiftSubnet(config.clientAddress, k);
      return {
        name,
        id: network.id,
        subnet,
        gateway,
        clientAddress,
        hostAddress(index: number) {
          let address = addOffset(firstHost, index);
          if (
            address === clientAddress ||
            Number(address.split('.')[3]) >= Number(clientAddress.split('.')[3])
          ) {
            address = addOffset(firstHost, index + 1);
          }
          if (Number(address.split('.')[3]) > 254)
            throw new Error(`No address left on ${subnet} for host #${index}`);
          return address;
        },
        async remove() {
          log('Removing network "%s"...', name);
          await network.remove().catch(() => undefined);
        },
      };
    } catch (error) {
      lastError = error;
      if (!/overlap|already exists|Pool/i.test(String(error))) break;
      log('Subnet %s is taken (%s); trying the next one', subnet, String(error));
    }
  }
  throw new Error(
    `Could not create the outer network "${name}" on ${config.outerSubnet} or the next /24s: ${String(lastError)}. ` +
      'Remove stale networks (`docker network ls --filter label=org.nettwin.managed`) or set NETTWIN_OUTER_SUBNET.',
  );
}
