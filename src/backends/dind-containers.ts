/** A workload container's namespace on a DinD host: its address, its quick ACKs, its servers bound. */
import createDebug from 'debug';
import { httpPortsOf } from '../contract.ts';
import { DindExecError } from '../dind/errors.ts';
import { containerQuickAckArgv } from '../dind/quickack.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import type { ContainerOptions } from './backend.ts';
import type { StartedContainer } from './dind-traffic.ts';

const log = createDebug('nettwin:dind');

/**
 * In one exec, in the container's network namespace: quick ACKs on its routes
 * (src/dind/quickack.ts), then, for servers, wait until ss shows them bound.
 */
export async function prepareNamespace(
  host: StartedDindHost,
  o: ContainerOptions,
  started: StartedContainer | undefined,
): Promise<void> {
  const ports = [...(o.tcpListenPorts ?? []), ...httpPortsOf(o)];
  const udp = o.udpListenPorts ?? [];
  const checks = [
    ...ports.map((p) => `ss -Hltn "sport = :${p}" | grep -q . || ok=0;`),
    ...udp.map((p) => `ss -Hlun "sport = :${p}" | grep -q . || ok=0;`),
  ];
  const wait = checks.length
    ? `for i in $(seq 1 50); do ok=1; ${checks.join(' ')} [ $ok = 1 ] && exit 0; sleep 0.05; done; exit 3`
    : '';
  const all = [...ports, ...udp];
  const r = await host.exec(containerQuickAckArgv(o.name, wait));
  const pid = Number(r.stdout.split('\n')[0]);
  if (started && pid > 0) started.pid = pid;
  if (r.exitCode === 3) log('Servers of "%s" on ports %o did not show up in ss', o.name, all);
  else if (r.exitCode !== 0) {
    throw new DindExecError(
      host.name,
      `quickack routes in container "${o.name}"`,
      r.exitCode,
      r.stdout,
      r.stderr,
    );
  }
}

/**
 * A field of each network of the container (docker inspect lists networks by name, not in
 * the order they were attached), by network name.
 */
async function addressesByNetwork(
  host: StartedDindHost,
  name: string,
  field: 'IPAddress' | 'GlobalIPv6Address',
): Promise<Map<string, string>> {
  const out = await host.dockerOrThrow([
    'inspect',
    '-f',
    `{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.${field}}} {{end}}`,
    name,
  ]);
  return new Map(
    out
      .split(' ')
      .filter((w) => w.includes('='))
      .map((w) => [w.slice(0, w.lastIndexOf('=')), w.slice(w.lastIndexOf('=') + 1)] as const),
  );
}

/** The container's IPv4 address on the first of `networks` that gave it one, else any it has. */
export async function containerAddress(
  host: StartedDindHost,
  name: string,
  networks: readonly string[],
): Promise<string | undefined> {
  const byNetwork = await addressesByNetwork(host, name, 'IPAddress');
  for (const network of networks) {
    const address = byNetwork.get(network);
    if (address) return address;
  }
  return [...byNetwork.values()].find((a) => a !== '');
}

/**
 * The container's IPv6 address (GlobalIPv6Address) on the first of `networks` that gave
 * it one; undefined without IPv6.
 */
export async function containerAddress6(
  host: StartedDindHost,
  name: string,
  networks: readonly string[],
): Promise<string | undefined> {
  const byNetwork = await addressesByNetwork(host, name, 'GlobalIPv6Address');
  for (const network of networks) {
    const address = byNetwork.get(network);
    if (address) return address;
  }
  return undefined;
}
