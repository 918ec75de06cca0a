/** The actions a docker script is made of (one per command), and their source position. */
import type { ContainerOptions, NetworkOptions } from '../contract.ts';
import type { HostBaseline } from './daemon-model.ts';
import type { ServiceSpec } from './swarm-script.ts';

export interface ActionSource {
  line: number;
  /** The command's words as written. */
  words: string[];
}

export type RunOptions = ContainerOptions & { restart?: string };

export type DockerAction = ActionSource &
  (
    | { kind: 'dockerd'; options: string[] }
    | { kind: 'dockerd-restart'; restoreOrder?: string[] }
    /** The host reboots: iptables back to the baseline, dockerd starts and restores. */
    | { kind: 'reboot'; restoreOrder?: string[] }
    | { kind: 'model'; baseline?: HostBaseline; seed?: number; dnsPorts?: { tcp: number; udp: number } }
    | { kind: 'network-create'; network: NetworkOptions }
    | { kind: 'network-rm'; names: string[] }
    | { kind: 'network-connect'; network: string; container: string; ip?: string }
    | { kind: 'network-disconnect'; network: string; container: string }
    | { kind: 'run'; container: RunOptions }
    | { kind: 'create'; container: RunOptions }
    | { kind: 'start' | 'stop' | 'restart'; names: string[] }
    | { kind: 'rm'; names: string[]; force: boolean }
    | { kind: 'iptables'; argv: string[] }
    | { kind: 'sysctl'; key: string; value: string }
    | { kind: 'kill-proxy'; hostPort?: number }
    | { kind: 'learn-bridge'; network: string; bridge: string }
    | { kind: 'swarm-init' }
    | { kind: 'service-create'; service: ServiceSpec }
    /** Accepted and ignored: docker exec, ps, inspect, sleep … */
    | { kind: 'noop' }
  );
