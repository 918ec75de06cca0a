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

/**
 * The pieces of `[IP:][HOSTPORT:]CONTAINERPORT[/PROTO]` as written, before any is checked:
 * the one reading of docker's grammar that `-p` in scripts, compose's short syntax and the
 * steps' `publishing …` share (each checks the pieces with errors of its own). An IPv6 host
 * address goes in brackets (`[::]:8080:80`, `[::1]::80`), the brackets not kept. Undefined
 * when the colons leave no such reading (`::8080:80`, `a:b:c:d`) or the protocol has a
 * slash of its own.
 */
export interface PublishPieces {
  hostIp?: string;
  /** The host address was bracketed: docker takes only IPv6 there. */
  bracketed: boolean;
  /** '' when the host port is left out (`127.0.0.1::80`). */
  hostPort?: string;
  containerPort: string;
  protocol?: string;
}

export function splitPublish(spec: string): PublishPieces | undefined {
  const slash = spec.indexOf('/');
  const body = slash >= 0 ? spec.slice(0, slash) : spec;
  const protocol = slash >= 0 ? spec.slice(slash + 1) : undefined;
  if (protocol?.includes('/')) return undefined;
  const withProtocol = protocol === undefined ? {} : { protocol };
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(body);
  if (bracketed) {
    const rest = (bracketed[2] as string).split(':');
    if (rest.length !== 2) return undefined;
    const [hostPort, containerPort] = rest as [string, string];
    return { hostIp: bracketed[1] as string, bracketed: true, hostPort, containerPort, ...withProtocol };
  }
  const parts = body.split(':');
  if (parts.length === 1) return { bracketed: false, containerPort: parts[0] as string, ...withProtocol };
  if (parts.length === 2) {
    const [hostPort, containerPort] = parts as [string, string];
    return { bracketed: false, hostPort, containerPort, ...withProtocol };
  }
  if (parts.length === 3) {
    const [hostIp, hostPort, containerPort] = parts as [string, string, string];
    return { hostIp, bracketed: false, hostPort, containerPort, ...withProtocol };
  }
  return undefined;
}

export function parsePublish(spec: string): PortMapping[] {
  const pieces = splitPublish(spec);
  if (!pieces) {
    throw new PublishError(
      `invalid port spec "${spec}" (an IPv6 host address goes in brackets: [::]:8080:80)`,
    );
  }
  const proto = pieces.protocol ?? 'tcp';
  if (proto !== 'tcp' && proto !== 'udp') {
    throw new PublishError(`protocol "${proto}" in "${spec}" is not modelled (tcp or udp)`);
  }
  const { hostIp, containerPort: containerPart } = pieces;
  const hostPart = pieces.hostPort ?? '';
  if (pieces.bracketed && !isIPv6(hostIp ?? '')) {
    throw new PublishError(`invalid IPv6 host address "${hostIp}" in "${spec}"`);
  }
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
