/**
 * What must agree between the real host and the model after one action, as pure
 * functions of the two sides' results: a container's addresses, a network's subnet and
 * gateway, a host command's exit code, a resolved name, and what each kind of traffic
 * step calls connectivity. Kept apart from twin.ts, which drives both sides; these only
 * compare (and say the difference in the words a TwinMismatchError prints).
 */
import { type ConnectivityDifference, compareConnectivity } from '../compare/connectivity.ts';
import type { ContainerInfo, ExecResult, NetworkInfo, PingResult, RequestResult } from './backend.ts';
import { TwinMismatchError } from './twin-mismatch.ts';

/** A container's IPv4 address, then its IPv6 one (a connect or disconnect: IPv4 only). */
export function containerMismatch(
  action: string,
  real: ContainerInfo,
  model: ContainerInfo,
  families: 'ipv4' | 'both' = 'both',
): TwinMismatchError | undefined {
  if (real.address !== model.address) {
    return new TwinMismatchError({
      action,
      other: [`address: real ${real.address ?? '(none)'}, model ${model.address ?? '(none)'}`],
    });
  }
  if (families === 'both' && real.address6 !== model.address6) {
    return new TwinMismatchError({
      action,
      other: [`IPv6 address: real ${real.address6 ?? '(none)'}, model ${model.address6 ?? '(none)'}`],
    });
  }
  return undefined;
}

/** A new network's subnet and gateway (its id and bridge name the model learns: twin-learning.ts). */
export function networkMismatch(
  action: string,
  real: NetworkInfo,
  model: NetworkInfo,
): TwinMismatchError | undefined {
  const other: string[] = [];
  if (real.subnet !== model.subnet) other.push(`subnet: real ${real.subnet}, model ${model.subnet}`);
  if (real.gateway !== model.gateway) other.push(`gateway: real ${real.gateway}, model ${model.gateway}`);
  return other.length > 0 ? new TwinMismatchError({ action, other }) : undefined;
}

/** A host command's exit code, with each side's message. */
export function exitCodeMismatch(
  action: string,
  real: ExecResult,
  model: ExecResult,
): TwinMismatchError | undefined {
  if (real.exitCode === model.exitCode) return undefined;
  return new TwinMismatchError({
    action,
    other: [
      `exit code: real ${real.exitCode} (${real.stderr.trim() || 'no message'}), model ${model.exitCode} (${
        model.stderr.trim() || 'no message'
      })`,
    ],
  });
}

/** A ping: packets sent and received. */
export function pingConnectivity(real: PingResult, model: PingResult): ConnectivityDifference[] {
  return compareConnectivity(
    { sent: real.sent, received: real.received },
    { sent: model.sent, received: model.received },
  );
}

/** An HTTP request: its outcome. */
export function httpConnectivity(real: RequestResult, model: RequestResult): ConnectivityDifference[] {
  return compareConnectivity({ outcome: real.outcome }, { outcome: model.outcome });
}

/** A TCP send: its outcome, and the source the server saw when it got through. */
export function tcpConnectivity(
  real: RequestResult & { seenSource?: string },
  model: RequestResult & { seenSource?: string },
): ConnectivityDifference[] {
  return compareConnectivity(
    { outcome: real.outcome, ...(real.outcome === 'ok' ? { seenSource: real.seenSource } : {}) },
    { outcome: model.outcome, seenSource: model.seenSource },
  );
}
