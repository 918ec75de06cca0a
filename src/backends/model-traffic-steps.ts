/**
 * The model backend's traffic steps as the Backend contract has them: each starts with
 * every counter at zero and no flow, sends through ModelTraffic (model-traffic.ts), and
 * returns what it saw with the deltas it caused and the packet path. A ping by name asks
 * the daemon's embedded DNS first, as the container's resolver would. Kept apart from
 * model.ts, which holds the host and carries out Docker actions; here only counters move.
 */

import type { HostState, PathStep } from '../netfilter/host-types.ts';
import type { Actor, DatagramResult, Observation, PingResult, RequestResult } from './backend.ts';
import { type DaemonModel, ModelBackendError } from './model-contract.ts';
import type { ModelFirewall } from './model-firewall.ts';
import type { ModelTraffic } from './model-traffic.ts';

/** What the steps need of the backend (model.ts). */
export interface ModelStepScene {
  readonly traffic: ModelTraffic;
  /** The host's firewall on every framework: zeroed before a step, its counters read after. */
  readonly firewall: Pick<ModelFirewall, 'zero' | 'counters'>;
  hostState(): HostState;
  daemon(): DaemonModel;
  /** Forget the last flow (a step that fails before sending has none). */
  resetFlow(): void;
}

export class ModelTrafficSteps {
  constructor(private readonly scene: ModelStepScene) {}

  /** A traffic step's start: every counter at zero, and no flow yet. */
  private beginStep(): void {
    this.scene.resetFlow();
    this.scene.firewall.zero(this.scene.hostState());
  }

  /** What the step saw, with the deltas it caused and the last flow's packet path. */
  private observed<R>(outcome: R, path?: PathStep[]): Observation<R> {
    return {
      outcome,
      counters: this.scene.firewall.counters(this.scene.hostState()),
      ...(path ? { path } : {}),
    };
  }

  async ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    this.beginStep();
    const outcome = await this.scene.traffic.sendPing(from, to, count);
    return this.observed(outcome, outcome.path);
  }

  async pingByName(
    sender: Actor,
    name: string,
    count: number,
    family?: 'ipv6',
  ): Promise<Observation<PingResult>> {
    this.beginStep();
    // A container in another's namespace resolves with its owner's resolver.
    const from = this.scene.traffic.namespaceOwner(sender);
    const address =
      from.kind === 'container' ? this.scene.daemon().resolveName(from.name, name, family) : undefined;
    if (address === undefined) {
      // iputils' words when no resolver knows the name, or knows it with no AAAA record.
      const known = family && from.kind === 'container' && this.scene.daemon().resolveName(from.name, name);
      throw new ModelBackendError(
        `ping: ${name}: ${known ? 'Address family for hostname not supported' : 'Name or service not known'}`,
      );
    }
    const outcome = await this.scene.traffic.sendPing(from, address, count);
    return this.observed(outcome, outcome.path);
  }

  async pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    this.beginStep();
    const result = this.scene.traffic.run({ protocol: 'icmp', from, to, count });
    return this.observed({ sent: result.sent, received: result.delivered, path: result.path }, result.path);
  }

  async httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    this.beginStep();
    const outcome = await this.scene.traffic.sendHttpGet(from, url);
    return this.observed(outcome, outcome.path);
  }

  async udpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<DatagramResult>> {
    this.beginStep();
    const outcome = await this.scene.traffic.sendDatagram(from, to, port, payload);
    return this.observed(outcome, outcome.path);
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    this.beginStep();
    const outcome = await this.scene.traffic.sendTcp(from, to, port, payload);
    return this.observed(outcome, outcome.path);
  }
}
