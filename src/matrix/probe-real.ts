/**
 * Reachability probes on a real host that can run several at once. The Backend's traffic
 * methods zero and read every counter around a send, and the dind ping stops early when
 * the counters show its requests dropped: with other probes in flight that would read
 * their packets as its own. These probes read no counters: ping -c 1, `nc -z` (a TCP
 * handshake and close), and one UDP datagram through the backend (its listener's log is
 * the only witness, so UDP probes run one at a time: probe-schedule.ts's exclusive key).
 */
import type { Actor, Backend, DatagramResult, ExecResult, Observation } from '../backends/backend.ts';
import { netcatOutcome } from '../backends/dind-outcomes.ts';
import { CLIENT_WAIT_SECONDS } from '../backends/model-http.ts';
import type { Proto, Verdict } from './types.ts';

/** One cell, resolved: who sends, to which address and port. */
export interface ProbeTarget {
  from: Actor;
  address: string;
  /** null for icmp. */
  port: number | null;
  proto: Proto;
}

/** What a real host offers the probes: commands as an actor (DindBackend.execAs) and UDP sends. */
export interface RealProbeHost {
  execAs(from: Actor, argv: string[]): Promise<ExecResult>;
  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>>;
}

/** The payload of a UDP probe (the receiver's log shows it). */
export const UDP_PROBE_PAYLOAD = 'nettwin-probe';

function isRealProbeHost(b: unknown): b is RealProbeHost {
  const x = b as Partial<RealProbeHost> | undefined;
  return typeof x?.execAs === 'function' && typeof x.udpSend === 'function';
}

/**
 * The real host behind a backend: dind itself, the twin's real side; undefined on the
 * model. A real backend without execAs cannot be probed in parallel: that is an error.
 */
export async function realProbeHostOf(backend: Backend): Promise<RealProbeHost | undefined> {
  if (backend.name === 'model') return undefined;
  const real =
    backend.name === 'twin'
      ? await (backend as Backend & { real?: () => Promise<Backend> }).real?.()
      : backend;
  if (isRealProbeHost(real)) return real;
  throw new Error(
    `the ${backend.name} backend's real host offers no execAs(actor, argv): the reachability step cannot probe it`,
  );
}

/** argv of one probe (icmp and tcp); UDP goes through udpSend. */
export function probeArgv(t: ProbeTarget): string[] {
  if (t.proto === 'icmp') return ['ping', '-n', '-c', '1', '-W', '1', t.address];
  if (t.proto === 'tcp' && t.port !== null)
    return ['timeout', String(CLIENT_WAIT_SECONDS), 'nc', '-nvz', t.address, String(t.port)];
  throw new Error(`no argv for a ${t.proto} probe${t.port === null ? ' without a port' : ''}`);
}

/** ping's words as a verdict: a reply, an ICMP error or a missing route, or silence. */
export function pingVerdict(r: ExecResult): Verdict {
  if (r.exitCode === 0) return 'delivered';
  if (/unreachable|No route/i.test(`${r.stdout}\n${r.stderr}`)) return 'unreachable';
  if (/packets transmitted/.test(r.stdout)) return 'timeout';
  throw new Error(`ping exited with ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
}

const FROM_NETCAT = {
  ok: 'delivered',
  refused: 'refused',
  timeout: 'timeout',
  unreachable: 'unreachable',
} as const;

export async function probeReal(host: RealProbeHost, t: ProbeTarget): Promise<Verdict> {
  if (t.proto === 'udp') {
    if (t.port === null) throw new Error('a udp probe needs a port');
    try {
      const o = await host.udpSend(t.from, t.address, t.port, UDP_PROBE_PAYLOAD);
      return o.outcome.arrived ? 'delivered' : 'timeout';
    } catch (error) {
      // netcat-openbsd exits 1 without a word when its datagram was dropped on the way
      // (measured on 28.5: a container to another bridge's container, raw PREROUTING DROP).
      if (silentNetcatFailure(error)) return 'timeout';
      throw error;
    }
  }
  const r = await host.execAs(t.from, probeArgv(t));
  return t.proto === 'icmp' ? pingVerdict(r) : FROM_NETCAT[netcatOutcome(r)];
}

/** The dind backend's DindExecError for `nc -u` exiting 1 with nothing on stderr (dind-traffic.ts). */
export function silentNetcatFailure(error: unknown): boolean {
  const e = error as Partial<{ name: string; command: string; exitCode: number; stderr: string }> | undefined;
  return (
    e?.name === 'DindExecError' &&
    typeof e.command === 'string' &&
    e.command.startsWith('nc -u ') &&
    e.exitCode === 1 &&
    (e.stderr ?? '').trim() === ''
  );
}
