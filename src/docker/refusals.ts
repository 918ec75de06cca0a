/**
 * What Docker refuses, in Docker's words. A refused command changes nothing (or, where
 * the real daemon has already created the container before a start-time check fails,
 * exactly what the real daemon leaves: a created container). The words differ between
 * releases; each was measured with the docker CLI on real 20.10.24, 26.1.5 and 28.5.2
 * engines (DinD hosts), and read in moby's daemon/names.go and daemon/network.go.
 */
import type { VersionProfile } from './profile.ts';

/** Docker itself says no (as opposed to a DockerModelError: something the model does not cover). */
export class DockerRefusal extends Error {
  override name = 'DockerRefusal';
}

const DAEMON = 'Error response from daemon: ';

/** daemon/names: `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$` — two characters at least. */
export const VALID_CONTAINER_NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]';
const VALID_CONTAINER_NAME = new RegExp(`^/?${VALID_CONTAINER_NAME_CHARS}+$`);

export function isValidContainerName(name: string): boolean {
  return VALID_CONTAINER_NAME.test(name);
}

export function invalidContainerName(name: string): DockerRefusal {
  return new DockerRefusal(
    `${DAEMON}Invalid container name (${name}), only ${VALID_CONTAINER_NAME_CHARS} are allowed`,
  );
}

export function containerNameConflict(name: string, id: string): DockerRefusal {
  return new DockerRefusal(
    `${DAEMON}Conflict. The container name "/${name.replace(/^\//, '')}" is already in use by container "${id}". ` +
      'You have to remove (or rename) that container to be able to reuse that name.',
  );
}

export function networkExists(name: string): DockerRefusal {
  return new DockerRefusal(`${DAEMON}network with name ${name} already exists`);
}

/** `docker network create bridge|host|none`. */
export function predefinedNetwork(name: string): DockerRefusal {
  return new DockerRefusal(`${DAEMON}operation is not permitted on predefined ${name} network`);
}

export function poolOverlaps(p: VersionProfile): DockerRefusal {
  const prefix = p.refusals === 'v28' ? 'invalid pool request: ' : '';
  return new DockerRefusal(`${DAEMON}${prefix}Pool overlaps with other one on this address space`);
}

/** --subnet that is no CIDR; 26.1+ also refuse host bits (20.10 keeps them as given). */
export function invalidSubnet(p: VersionProfile, subnet: string, canonical?: string): DockerRefusal {
  if (p.refusals === 'v20') {
    return new DockerRefusal(`${DAEMON}Invalid subnet ${subnet} : invalid CIDR address: ${subnet}`);
  }
  const why = canonical ? `it should be ${canonical}` : 'invalid CIDR block notation';
  return new DockerRefusal(`${DAEMON}invalid network config:\ninvalid subnet ${subnet}: ${why}`);
}

/** gateway_mode_ipv4 / _ipv6 `isolated` on a network without --internal (28.0+). */
export function isolatedNotInternal(): DockerRefusal {
  return new DockerRefusal(`${DAEMON}gateway mode 'isolated' can only be used for an internal network`);
}

/** The docker CLI checks these before it asks the daemon. */
export function gatewayOutsideSubnet(gateway: string): DockerRefusal {
  return new DockerRefusal(`no matching subnet for gateway ${gateway}`);
}
export function gatewayWithoutSubnet(): DockerRefusal {
  return new DockerRefusal('every ip-range or gateway must have a corresponding subnet');
}

/** 26.1+ check endpoint settings when the container is created; 20.10 when it starts. */
export function endpointChecksAtCreate(p: VersionProfile): boolean {
  return p.refusals !== 'v20';
}

/** Why a static address (--ip) on `network` is refused; undefined when it is not. */
export function staticIpRefusal(
  p: VersionProfile,
  network: { name: string; isDefault: boolean; userSubnet: boolean; contains: boolean },
  ip: string,
): DockerRefusal | undefined {
  const reasons: string[] = [];
  if (network.isDefault) reasons.push('user specified IP address is supported on user defined networks only');
  if (!network.userSubnet)
    reasons.push(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    );
  else if (!network.contains) {
    reasons.push(
      p.refusals === 'v20'
        ? `Invalid address ${ip}: It does not belong to any of this network's subnets`
        : `no configured subnet or ip-range contain the IP address ${ip}`,
    );
  }
  if (reasons.length === 0) return undefined;
  // 20.10 stops at the first reason; 26.1+ list them all under the network's name.
  if (p.refusals === 'v20') return new DockerRefusal(`${DAEMON}${reasons[0]}`);
  const list = reasons.length === 1 ? reasons[0] : reasons.map((r) => `* ${r}`).join('\n');
  return new DockerRefusal(
    `${DAEMON}invalid config for network ${network.name}: invalid endpoint settings:\n${list}`,
  );
}

/** Start-time networking failures: 28.x says where they happened. */
export function startFailure(p: VersionProfile, words: string): DockerRefusal {
  const where = p.refusals === 'v28' ? 'failed to set up container networking: ' : '';
  return new DockerRefusal(`${DAEMON}${where}${words}`);
}

export function noSuchNetwork(p: VersionProfile, name: string): DockerRefusal {
  return new DockerRefusal(
    p.refusals === 'v20' ? `Error: No such network: ${name}` : `${DAEMON}network ${name} not found`,
  );
}

export function noSuchContainer(p: VersionProfile, name: string): DockerRefusal {
  return new DockerRefusal(
    p.refusals === 'v20' ? `Error: No such container: ${name}` : `${DAEMON}No such container: ${name}`,
  );
}

export function networkHasActiveEndpoints(
  p: VersionProfile,
  network: { name: string; id: string },
  endpoints: Array<{ name: string; id: string }>,
): DockerRefusal {
  if (p.refusals === 'v28') {
    const list = endpoints.map((e) => `name:"${e.name}" id:"${e.id.slice(0, 12)}"`).join(', ');
    return new DockerRefusal(
      `${DAEMON}error while removing network: network ${network.name} has active endpoints (${list})`,
    );
  }
  return new DockerRefusal(
    `${DAEMON}error while removing network: network ${network.name} id ${network.id} has active endpoints`,
  );
}
