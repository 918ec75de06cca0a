/**
 * `-p/--publish` values as the docker CLI reads them (nat.ParsePortSpec):
 * `[IP:][HOSTPORT[-END]:]CONTAINERPORT[-END][/PROTO]`; a range gives one mapping per port.
 */
import type { PortMapping } from '../contract.ts';
import { isIPv6 } from '../netfilter/address/index.ts';

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

function range(text: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m)
    throw new PublishError(
      `invalid ${what} "${text}" in "${spec}" (expected e.g. 8080:80 or 8000-8001:80-81/udp)`,
    );
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi > 65535 || hi < lo) throw new PublishError(`invalid ${what} range "${text}" in "${spec}"`);
  return [lo, hi];
}

/** Stands in for a bracketed IPv6 host address while the rest of the spec is read. */
const V6_MARK = 'ipv6';

export function parsePublish(spec: string): PortMapping[] {
  const [body, proto = 'tcp'] = spec.split('/');
  if (proto !== 'tcp' && proto !== 'udp') {
    throw new PublishError(`protocol "${proto}" in "${spec}" is not modelled (tcp or udp)`);
  }
  // `[::]:8080:80`, `[fd00::1]::80`: an IPv6 host address in brackets.
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(body ?? '');
  if (bracketed) {
    const address = bracketed[1] as string;
    if (!isIPv6(address)) throw new PublishError(`invalid IPv6 host address "${address}" in "${spec}"`);
    return parsePublish(`${V6_MARK}:${bracketed[2]}/${proto}`).map((m) => ({ ...m, hostIp: address }));
  }
  const parts = (body ?? '').split(':');
  let hostIp: string | undefined;
  let hostPart = '';
  let containerPart: string;
  if (parts.length === 1) containerPart = parts[0] as string;
  else if (parts.length === 2) [hostPart, containerPart] = parts as [string, string];
  else if (parts.length === 3) [hostIp, hostPart, containerPart] = parts as [string, string, string];
  else
    throw new PublishError(
      `invalid port spec "${spec}" (an IPv6 host address goes in brackets: [::]:8080:80)`,
    );
  const [c0, c1] = range(containerPart, 'container port', spec);
  const out: PortMapping[] = [];
  if (hostPart === '') {
    for (let p = c0; p <= c1; p++)
      out.push({ ...(hostIp ? { hostIp } : {}), containerPort: p, protocol: proto });
    return out;
  }
  const [h0, h1] = range(hostPart, 'host port', spec);
  if (h1 - h0 !== c1 - c0) {
    throw new PublishError(`host and container port ranges of "${spec}" differ in length (not modelled)`);
  }
  for (let k = 0; k <= c1 - c0; k++) {
    out.push({ ...(hostIp ? { hostIp } : {}), hostPort: h0 + k, containerPort: c0 + k, protocol: proto });
  }
  return out;
}
