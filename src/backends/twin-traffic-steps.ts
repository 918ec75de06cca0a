/**
 * The twin's traffic steps (the Backend contract's ping, HTTP, TCP and UDP sends, and
 * the source a receiver saw): each runs on both sides at once and is judged once
 * (twin-traffic.ts), and the real observation comes back with the model's side filled
 * in. Kept apart from twin.ts, which drives Docker actions and host commands and
 * compares rulesets after them; here nothing changes the host, only counters move.
 */
import type { ConnectivityDifference } from '../compare/connectivity.ts';
import type { CounterCompareOptions } from '../compare/counter-compare.ts';
import type { Actor, Backend, DatagramResult, Observation, PingResult, RequestResult } from './backend.ts';
import type { ModelBackend } from './model-contract.ts';
import { HTTP_BYTE_TOLERANCE } from './model-http.ts';
import { httpConnectivity, pingConnectivity, tcpConnectivity } from './twin-checks.ts';
import { TwinMismatchError } from './twin-mismatch.ts';
import { describeActor } from './twin-sides.ts';
import { datagramConnectivity, judgeTraffic } from './twin-traffic.ts';

/** What the traffic steps need of the twin (twin.ts): its two sides, acting together. */
export interface TwinPair {
  readonly model: ModelBackend;
  real(): Promise<Backend>;
  /** Both sides act; one failing alone is a mismatch (twin-sides.ts bothSides). */
  both<R, M>(
    action: string,
    real: (b: Backend) => Promise<R>,
    model: (m: ModelBackend) => Promise<M>,
  ): Promise<{ real: R; model: M; backend: Backend }>;
}

export class TwinTrafficSteps {
  constructor(private readonly twin: TwinPair) {}

  /**
   * A traffic step on both sides: outcomes and every framework's counters compared once
   * (twin-traffic.ts); the real observation comes back with the model's side filled in.
   */
  private async traffic<R extends { path?: Observation<R>['path'] }>(
    action: string,
    send: (b: Backend) => Promise<Observation<R>>,
    connectivity: (real: R, model: R) => ConnectivityDifference[],
    counterOptions: CounterCompareOptions,
  ): Promise<Observation<R>> {
    const { real, model } = await this.twin.both(action, send, send);
    return judgeTraffic(
      action,
      { real, model, flow: this.twin.model.lastFlow() },
      connectivity,
      counterOptions,
    );
  }

  /** A ping on both sides; connectivity and every counter must agree. */
  private comparePings(
    action: string,
    ping: (b: Backend) => Promise<Observation<PingResult>>,
  ): Promise<Observation<PingResult>> {
    return this.traffic(action, ping, pingConnectivity, { protocol: 'icmp' });
  }

  ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    const action = `ping from ${describeActor(from)} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.ping(from, to, count));
  }

  pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<Observation<PingResult>> {
    const action = `ping${family ? ' -6' : ''} by name from ${describeActor(from)} to ${name} ×${count}`;
    return this.comparePings(action, (b) => b.pingByName(from, name, count, family));
  }

  pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    const action = `ping from ${from} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.pingFromAddress(from, to, count));
  }

  httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    return this.traffic(
      `HTTP GET ${url} from ${describeActor(from)}`,
      (b) => b.httpGet(from, url),
      httpConnectivity,
      { protocol: 'tcp', byteTolerance: HTTP_BYTE_TOLERANCE },
    );
  }

  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    return this.traffic(
      `TCP to ${to}:${port} from ${describeActor(from)}`,
      (b) => b.tcpSend(from, to, port, payload),
      tcpConnectivity,
      { protocol: 'tcp', byteTolerance: 0 },
    );
  }

  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>> {
    return this.traffic(
      `UDP datagram to ${to}:${port} from ${describeActor(from)}`,
      (b) => b.udpSend(from, to, port, payload),
      datagramConnectivity,
      { protocol: 'udp', byteTolerance: 0 },
    );
  }

  async lastSeenSource(container: string): Promise<string | undefined> {
    const backend = await this.twin.real();
    const [real, model] = await Promise.all([
      backend.lastSeenSource(container),
      this.twin.model.lastSeenSource(container),
    ]);
    if (real !== model) {
      const flow = this.twin.model.lastFlow();
      throw new TwinMismatchError({
        action: `reading the source address "${container}" saw`,
        connectivity: [{ field: 'seenSource', real, model }],
        ...(flow ? { flow } : {}),
      });
    }
    return real;
  }
}
