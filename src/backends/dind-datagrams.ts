/**
 * UDP on a real host: a listener in the container per datagram, and how the dind
 * backend learns that a datagram arrived and from whom (its listener's log). A datagram
 * has no answer, so the listener's log is the only witness.
 */
import { lastNetcatPeer } from '../dind/parse/conntrack.ts';
import type { ExecResult } from './backend.ts';

/** What the helpers need of a DinD host: the inner docker CLI. */
export interface DockerCli {
  docker(args: string[]): Promise<ExecResult>;
}

export const udpDataFile = (port: number) => `/tmp/udp-${port}.data`;
export const udpLogFile = (port: number) => `/tmp/udp-${port}.log`;

/** How long a sent datagram may take to show up in a listener's log before it counts as lost. */
export const DATAGRAM_WAIT_SECONDS = 1;

/**
 * The workload's UDP server on `port`: one nc per datagram (-W 1), whose -v logs
 * "Connection received on ADDR PORT" for it; a fresh nc takes datagrams from any peer
 * (one that has received stays connected to its first peer). -d: stdin is not read, so
 * nothing is ever sent back.
 */
export function udpListenerScript(port: number): string {
  return `while true; do nc -d -nluv -W 1 -p ${port} >>${udpDataFile(port)} 2>>${udpLogFile(port)}; done &`;
}

/**
 * The sender, as `sh -c SCRIPT sh PAYLOAD ADDRESS PORT`. No -v: netcat-openbsd -v -u
 * first probes the port with four "X" datagrams. -q 0: quit once stdin is sent; -w 1
 * bounds it if the route is missing.
 */
export const UDP_SEND_SCRIPT = 'echo "$1" | nc -u -n -q 0 -w 1 "$2" "$3"';

/** How many datagrams the container's UDP listeners have logged so far. */
export async function datagramsReceived(
  host: DockerCli,
  container: string,
  ports: readonly number[],
): Promise<number> {
  const files = ports.map(udpLogFile).join(' ');
  const r = await host.docker([
    'exec',
    container,
    'sh',
    '-c',
    `cat ${files} 2>/dev/null | grep -c 'Connection received'`,
  ]);
  return Number(r.stdout.trim()) || 0;
}

/**
 * Wait (up to DATAGRAM_WAIT_SECONDS) for one more datagram than `before` in the
 * container's logs: the source its listener saw, '' when it logged none, undefined
 * when nothing came.
 */
export async function awaitDatagram(
  host: DockerCli,
  container: string,
  ports: readonly number[],
  before: number,
): Promise<string | undefined> {
  const files = ports.map(udpLogFile).join(' ');
  const tries = Math.round(DATAGRAM_WAIT_SECONDS / 0.05);
  const script = [
    `for i in $(seq 1 ${tries}); do`,
    `  lines=$(cat ${files} 2>/dev/null | grep 'Connection received')`,
    `  if [ "$(printf '%s' "$lines" | grep -c .)" -gt "$1" ]; then echo "$lines" | tail -n 1; exit 0; fi`,
    '  sleep 0.05',
    'done',
    'exit 1',
  ].join('\n');
  const r = await host.docker(['exec', container, 'sh', '-c', script, 'sh', String(before)]);
  if (r.exitCode !== 0) return undefined;
  return lastNetcatPeer(r.stdout) ?? '';
}
