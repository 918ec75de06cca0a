/** `ip -j -d addr` and `ip -j route` output as the twin's HostInterface and Route. */
import type { HostInterface, InterfaceKind, Route } from '../../netfilter/host-types.ts';

interface IpAddrEntry {
  ifname: string;
  link_type?: string;
  operstate?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string };
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

export function parseIpAddrJson(json: string): HostInterface[] {
  const entries = JSON.parse(json) as IpAddrEntry[];
  return entries.map((entry) => {
    let kind: InterfaceKind = 'ether';
    if (entry.link_type === 'loopback') kind = 'loopback';
    else if (entry.linkinfo?.info_kind === 'bridge') kind = 'bridge';
    return {
      name: entry.ifname,
      kind,
      addresses: (entry.addr_info ?? [])
        .filter((a) => a.family === 'inet')
        .map((a) => ({ address: a.local, prefix: a.prefixlen })),
      up: entry.flags?.includes('UP') ?? entry.operstate === 'UP',
    };
  });
}

interface IpRouteEntry {
  dst: string;
  dev: string;
  gateway?: string;
  prefsrc?: string;
}

export function parseIpRouteJson(json: string): Route[] {
  const entries = JSON.parse(json) as IpRouteEntry[];
  return entries.map((entry) => {
    const route: Route = { destination: entry.dst, dev: entry.dev };
    if (entry.gateway) route.via = entry.gateway;
    if (entry.prefsrc) route.src = entry.prefsrc;
    return route;
  });
}
