/** `docker network create` on a DinD host: its argv, and what Docker's IPAM reported per family. */
import type { NetworkOptions } from '../contract.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { quietIpv6NetworkOptions } from './dind-ipv6-quiet.ts';

/** argv after `docker`: IPv4 options as before, then the IPv6 half (`--ipv6 [--subnet V6 [--gateway V6]]`). */
export function networkCreateArgs(o: NetworkOptions, dockerVersion: string): string[] {
  const args = ['network', 'create', '-d', o.driver ?? 'bridge'];
  if (o.subnet) args.push('--subnet', o.subnet);
  if (o.gateway) args.push('--gateway', o.gateway);
  if (o.ipRange) args.push('--ip-range', o.ipRange);
  if (o.internal) args.push('--internal');
  for (const [k, v] of Object.entries(o.options ?? {})) args.push('-o', `${k}=${v}`);
  if (o.ipv6) {
    args.push('--ipv6', ...quietIpv6NetworkOptions(dockerVersion));
    if (o.subnet6) args.push('--subnet', o.subnet6);
    if (o.gateway6) args.push('--gateway', o.gateway6);
  }
  args.push(o.name);
  return args;
}

/** The inspect template IPAM_CONFIGS parses: `SUBNET GATEWAY;` per config. */
export const IPAM_TEMPLATE = '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}};{{end}}';

export interface IpamConfigs {
  subnet: string;
  gateway: string;
  subnet6?: string;
  gateway6?: string;
}

/** Each family's subnet and configured gateway (empty/absent when Docker recorded none). */
export function parseIpamConfigs(text: string): IpamConfigs {
  const configs = text.split(';').map((c) => c.trim().split(' '));
  const [subnet = '', gateway = ''] = configs.find(([s]) => s && !s.includes(':')) ?? [];
  const [subnet6, gateway6] = configs.find(([s]) => s?.includes(':')) ?? [];
  return { subnet, gateway, ...(subnet6 ? { subnet6 } : {}), ...(gateway6 ? { gateway6 } : {}) };
}

/** The bridge's own address of one family: the gateway when the IPAM config records none. */
export async function bridgeAddress(
  host: StartedDindHost,
  bridge: string,
  family: 'ipv4' | 'ipv6',
): Promise<string | undefined> {
  if (family === 'ipv4') {
    const out = await host.run(['ip', '-4', '-o', 'addr', 'show', 'dev', bridge]);
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(out)?.[1];
  }
  const out = await host.run(['ip', '-6', '-o', 'addr', 'show', 'dev', bridge, 'scope', 'global']);
  return /inet6 ([0-9a-f:]+)\//.exec(out)?.[1];
}
