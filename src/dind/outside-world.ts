/**
 * Each DinD host's outside world. A host container runs with no network of the
 * runner at all; its entrypoint (docker/common/outside-world.sh) gives it an eth0 on a
 * LAN of its own, with the machines around it as network namespaces inside the host
 * container: the external client and a neighbour that may route container subnets via
 * the host. Hosts never share a subnet on the runner's engine, any number of hosts and
 * runs coexist, and no test packet can reach the runner's networks.
 */
import type { DindConfig } from './config.ts';

/** A machine on the host's LAN. */
export type OutsideMachine = 'client' | 'neighbour';

/** The network namespace (inside the host container) that plays `machine`. */
export function machineNamespace(machine: OutsideMachine): string {
  return `nettwin-${machine}`;
}

/** argv that runs `argv` on `machine`, from the host container's shell. */
export function onMachine(machine: OutsideMachine, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', machineNamespace(machine), ...argv];
}

/** The address of `machine` on the LAN. */
export function machineAddress(config: DindConfig, machine: OutsideMachine): string {
  return machine === 'client' ? config.clientAddress : config.neighbourAddress;
}

/** The entrypoint's settings for the outside world. No gateway: the LAN leads nowhere. */
export function outsideWorldEnvironment(config: DindConfig): Record<string, string> {
  const prefix = config.outerSubnet.split('/')[1] as string;
  return {
    NETTWIN_ETH0: `${config.hostAddress}/${prefix}`,
    NETTWIN_CLIENT: config.clientAddress,
    NETTWIN_NEIGHBOUR: config.neighbourAddress,
  };
}
