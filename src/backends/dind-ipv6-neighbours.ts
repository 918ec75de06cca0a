/**
 * Warm, permanent IPv6 neighbour entries on a DinD host's IPv6 networks. IPv6 resolves
 * neighbours with ICMPv6 packets (a multicast neighbour solicitation, a unicast
 * advertisement) that ip6tables counts, unlike ARP: a first ping between two containers
 * would count 2 packets more than the ping, at times of the kernel's choosing (probes
 * when an entry goes stale). The model assumes warm neighbour caches (a trace does too,
 * unless --cold-neighbours), so the real side is made quiet at the source: every
 * container on the network knows the gateway and the other containers, and the host
 * knows the containers, as permanent entries (no probes, no expiry). Measured by
 * ipv6-kernel: with permanent entries only the echo packets count.
 */

import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { isIPv6 } from '../netfilter/address/index.ts';

/** One neighbour: its IPv6 address and link-layer address. */
export interface Ipv6Neighbour {
  address: string;
  mac: string;
}

/** A container's view on one network: its pid (0: not running) and its entry there. */
export interface Ipv6Endpoint extends Ipv6Neighbour {
  pid: number;
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const BRIDGE = /^[\w.-]{1,15}$/;

/**
 * A fixed script; the entries come as its arguments (ADDRESS MAC pairs, validated), never
 * as shell text. The device is the one the kernel routes the address on; an address it has
 * no route to gets no entry: that namespace cannot send to it (the host and the containers
 * of a bridge without an IPv6 address, gateway mode `isolated`).
 */
const REPLACE_NEIGHBOURS = [
  'while [ "$#" -ge 2 ]; do',
  '  dev=$(ip -6 route get "$1" 2>/dev/null | sed -n "s/.* dev \\([^ ]*\\).*/\\1/p")',
  '  if [ -n "$dev" ]; then ip -6 neigh replace "$1" lladdr "$2" dev "$dev" nud permanent || exit 1; fi',
  '  shift 2',
  'done',
].join('\n');

/** `NAME=ADDRESS=MAC …` per container line of the inspect template below → endpoints on `network`. */
export function parseEndpoints(output: string, network: string): Ipv6Endpoint[] {
  const out: Ipv6Endpoint[] = [];
  for (const line of output.split('\n')) {
    const [pidText = '', ...networks] = line.trim().split(' ');
    for (const entry of networks) {
      const [name, address = '', mac = ''] = entry.split('=');
      if (name !== network || !isIPv6(address) || !MAC.test(mac)) continue;
      out.push({ pid: Number(pidText) || 0, address, mac });
    }
  }
  return out;
}

/** argv pairs for REPLACE_NEIGHBOURS. */
export function neighbourArgs(neighbours: readonly Ipv6Neighbour[]): string[] {
  return neighbours.flatMap((n) => [n.address, n.mac]);
}

/**
 * Permanent entries among the containers `names` on `network` (bridge `bridge`, IPv6
 * gateway `gateway6`), its gateway and the host.
 */
export async function warmIpv6Neighbours(
  host: StartedDindHost,
  network: { name: string; bridge: string; gateway6?: string },
  names: readonly string[],
): Promise<void> {
  if (names.length === 0 || !BRIDGE.test(network.bridge)) return;
  const inspected = await host.dockerOrThrow([
    'inspect',
    '-f',
    '{{.State.Pid}} {{range $k, $n := .NetworkSettings.Networks}}{{$k}}={{$n.GlobalIPv6Address}}={{$n.MacAddress}} {{end}}',
    ...names,
  ]);
  const endpoints = parseEndpoints(inspected, network.name);
  const bridgeMac = (await host.run(['cat', `/sys/class/net/${network.bridge}/address`])).trim();
  const gateway: Ipv6Neighbour[] =
    network.gateway6 && isIPv6(network.gateway6) && MAC.test(bridgeMac)
      ? [{ address: network.gateway6, mac: bridgeMac }]
      : [];
  // A stopped container answers no one: it gets no entry (the model's "no neighbour").
  const running = endpoints.filter((x) => x.pid > 0);
  for (const e of running) {
    const others = [...gateway, ...running.filter((x) => x.address !== e.address)];
    await host.run([
      'nsenter',
      '-t',
      String(e.pid),
      '-n',
      'sh',
      '-c',
      REPLACE_NEIGHBOURS,
      'sh',
      ...neighbourArgs(others),
    ]);
  }
  await host.run(['sh', '-c', REPLACE_NEIGHBOURS, 'sh', ...neighbourArgs(running)]);
}
