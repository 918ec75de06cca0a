/**
 * A standalone host (a replayed production dump, seed 002's Linux router) built on a
 * real DinD host: interfaces as Linux bridges or veth pairs, and every neighbour as a
 * network namespace behind its interface, as seed 002 builds ns0/ns1 by hand.
 *
 * This module only writes the shell; the dind backend runs it on the host.
 */
import ipaddr from 'ipaddr.js';
import type { StandaloneHostSpec } from '../contract.ts';
import type { HostInterface } from '../netfilter/host-types.ts';

export class StandaloneHostError extends Error {
  override name = 'StandaloneHostError';
}

/** Kernel interface names are at most 15 bytes. */
const IFNAMSIZ = 15;

function check(name: string): string {
  if (!/^[\w.-]+$/.test(name) || name.length > IFNAMSIZ) {
    throw new StandaloneHostError(
      `interface name "${name}" cannot be created on a real host: at most ${IFNAMSIZ} letters, digits, ".", "-" or "_"`,
    );
  }
  return name;
}

/** The interface whose subnet holds `address`, and the prefix it is on. */
export function interfaceFor(
  interfaces: readonly HostInterface[],
  address: string,
): { iface: HostInterface; gateway: string; prefix: number } | undefined {
  const ip = ipaddr.IPv4.parse(address);
  for (const iface of interfaces) {
    for (const a of iface.addresses) {
      if (ip.match(ipaddr.IPv4.parse(a.address), a.prefix)) {
        return { iface, gateway: a.address, prefix: a.prefix };
      }
    }
  }
  return undefined;
}

/** Shell lines that create the interfaces that do not exist yet, with their addresses. */
export function interfaceScript(spec: StandaloneHostSpec): string[] {
  const lines: string[] = [];
  for (const iface of spec.interfaces) {
    if (iface.kind === 'loopback') continue;
    const name = check(iface.name);
    const create =
      iface.kind === 'bridge'
        ? `ip link add ${name} type bridge`
        : // The far end waits in the host until a neighbour's namespace takes it.
          `ip link add ${name} type veth peer name ${check(`${name.slice(0, 12)}-nb`)}`;
    lines.push(`ip link show ${name} >/dev/null 2>&1 || ${create}`);
    for (const a of iface.addresses) {
      lines.push(
        `ip addr show dev ${name} | grep -q ' ${a.address}/${a.prefix} ' || ip addr add ${a.address}/${a.prefix} dev ${name}`,
      );
    }
    lines.push(`ip link set ${name} up`);
  }
  for (const [key, value] of Object.entries(spec.sysctls)) lines.push(`sysctl -qw ${key}=${value}`);
  return lines;
}

/** The network namespace that plays the neighbour with this address. */
export function neighbourNamespace(address: string): string {
  return `nt-${address.replace(/\./g, '-')}`;
}

/**
 * Shell lines that put a neighbour with `address` behind its interface: a namespace
 * with a default route via the interface's address. Idempotent.
 */
export function neighbourScript(spec: StandaloneHostSpec, address: string): string[] {
  const at = interfaceFor(spec.interfaces, address);
  if (!at) {
    throw new StandaloneHostError(
      `${address} is on none of the host's interfaces (${spec.interfaces.map((i) => i.name).join(', ')}): ` +
        'add an interface whose subnet holds it',
    );
  }
  const ns = neighbourNamespace(address);
  const inside = 'eth0';
  const lines = [`ip netns list | grep -qw ${ns} && exit 0`, `ip netns add ${ns}`];
  if (at.iface.kind === 'bridge') {
    // The address in hex: unique per neighbour and short enough for IFNAMSIZ.
    const hostEnd = `v${ipaddr.IPv4.parse(address)
      .toByteArray()
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')}`;
    lines.push(
      `ip link add ${hostEnd} type veth peer name ${inside} netns ${ns}`,
      `ip link set ${hostEnd} master ${at.iface.name} up`,
    );
  } else {
    const farEnd = `${at.iface.name.slice(0, 12)}-nb`;
    lines.push(
      `ip link show ${farEnd} >/dev/null 2>&1 || { echo "${at.iface.name} already has its neighbour; one neighbour per veth" >&2; exit 1; }`,
      `ip link set ${farEnd} netns ${ns}`,
      `ip -n ${ns} link set ${farEnd} name ${inside}`,
    );
  }
  lines.push(
    `ip -n ${ns} addr add ${address}/${at.prefix} dev ${inside}`,
    `ip -n ${ns} link set lo up`,
    `ip -n ${ns} link set ${inside} up`,
    `ip -n ${ns} route add default via ${at.gateway}`,
  );
  return lines;
}
