/** Shared fixtures for the packet-path unit tests: a small host and hand-made packets/specs. */
import { parseIPv4 } from '../address/index.ts';
import { setNftables } from '../firewall-state.ts';
import type { HostInterface, HostState, Neighbour } from '../host-types.ts';
import type { NftRuleset } from '../nft/types.ts';
import { parseRuleset } from '../ruleset/index.ts';
import type { MatchSpec, Option } from '../types.ts';
import type { MatchEnv } from './matches/match.ts';
import { newPacket, type Packet } from './packet.ts';
import { RoutingTable } from './routing.ts';

export function iface(name: string, kind: HostInterface['kind'], cidr: string): HostInterface {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { name, kind, addresses: [{ address, prefix: Number(prefix) }] };
}

/** A Docker-like host: eth0 192.168.70.6/24 (default via .1), docker0 and br-web bridges. */
export function testHost(
  dump: string,
  neighbours: Neighbour[] = [],
  extra: Partial<HostState> = {},
): HostState {
  return {
    firewall: [
      { framework: 'iptables-nft', family: 'ipv4', ruleset: parseRuleset(dump, { file: 'test dump' }) },
    ],
    interfaces: [
      iface('lo', 'loopback', '127.0.0.1/8'),
      iface('eth0', 'ether', '192.168.70.6/24'),
      iface('docker0', 'bridge', '172.17.0.1/16'),
      iface('br-web', 'bridge', '172.30.0.1/16'),
    ],
    routes: [{ destination: 'default', dev: 'eth0', via: '192.168.70.1' }],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    listeners: [],
    neighbours,
    ...extra,
  };
}

/** The host with native nft tables beside its iptables ones (in place of any it had). */
export function withNftables(host: HostState, ruleset: NftRuleset): HostState {
  setNftables(host.firewall, ruleset);
  return host;
}

export const NEIGHBOURS: Neighbour[] = [
  { name: 'a', address: '172.17.0.2', dev: 'docker0', listeners: [{ protocol: 'tcp', port: 80 }] },
  { name: 'b', address: '172.17.0.3', dev: 'docker0' },
  {
    name: 'web',
    address: '172.30.0.2',
    dev: 'br-web',
    listeners: [
      { protocol: 'tcp', port: 80 },
      { protocol: 'udp', port: 53 },
    ],
  },
  { name: 'outer', address: '192.168.70.10', dev: 'eth0' },
];

export function packet(fields: {
  protocol?: Packet['protocol'];
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  inDev?: string;
  outDev?: string;
  length?: number;
  tcpFlags?: number;
  icmpType?: number;
}): Packet {
  return newPacket({
    protocol: fields.protocol ?? 'tcp',
    saddr: parseIPv4(fields.src ?? '172.17.0.2'),
    daddr: parseIPv4(fields.dst ?? '172.30.0.2'),
    sport: fields.sport ?? 40000,
    dport: fields.dport ?? 80,
    inDev: fields.inDev ?? '',
    outDev: fields.outDev ?? '',
    length: fields.length ?? 60,
    tcpFlags: fields.tcpFlags ?? 0,
    icmpType: fields.icmpType ?? 0,
  });
}

export function matchEnv(extra: Partial<MatchEnv> = {}): MatchEnv {
  return { hook: 'FORWARD', routing: new RoutingTable(testHost('')), ipsets: {}, ...extra };
}

export function opt(name: string, args: string[] = [], invert = false): Option {
  return { name, invert, args };
}

export function match(name: string, ...options: Option[]): MatchSpec {
  return { name, options };
}
