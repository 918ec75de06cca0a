/**
 * `ports` (short and long syntax) and `expose` of a compose service, in the terms of
 * src/contract.ts. Short syntax is docker's `-p`: `[HOST_IP:][HOST_PORT[-END]:]PORT[-END][/PROTO]`;
 * a range on both sides must be as long on each; a host range for one container port
 * (Docker picks a free one) is not modelled. An IPv6 host address goes in brackets.
 */
import ipaddr from 'ipaddr.js';
import type { PortMapping } from '../contract.ts';
import { splitPublish } from '../docker/publish.ts';
import { canonicalAddress, isAddress } from '../netfilter/address/index.ts';
import type { KeyPath } from './errors.ts';
import { noInterpolation } from './values.ts';
import type { ComposeSource } from './yaml-source.ts';

export type Protocol = 'tcp' | 'udp';

/** A container port the service listens on (each published or exposed port). */
export interface ServedPort {
  port: number;
  protocol: Protocol;
}

/** Each port of a range becomes a mapping (a docker-proxy, rules): keep scenarios small. */
const MAX_RANGE = 1000;
const RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

function portRange(src: ComposeSource, path: KeyPath, text: string, what: string): number[] {
  const m = RANGE.exec(text);
  if (!m) throw src.error(path, `"${text}" is not a ${what} (a number 1-65535, or a range like 8000-8002)`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  for (const n of [start, end]) {
    if (n < 1 || n > 65535) throw src.error(path, `${what} ${n} is outside 1-65535`);
  }
  if (end < start) throw src.error(path, `${what} range "${text}" ends before it starts`);
  if (end - start >= MAX_RANGE)
    throw src.error(
      path,
      `${what} range "${text}" holds more than ${MAX_RANGE} ports; nettwin models up to ${MAX_RANGE}`,
    );
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function protocolOf(src: ComposeSource, path: KeyPath, text: string | undefined): Protocol {
  const p = (text ?? 'tcp').toLowerCase();
  if (p === 'tcp' || p === 'udp') return p;
  throw src.error(path, `protocol "${text}" is not modelled (tcp or udp)`);
}

/**
 * A host address as Docker takes it: a dotted quad, or IPv6 (in brackets in short syntax,
 * either way in `host_ip`), written as every listing prints it. Compose networks here have
 * no IPv6, so an IPv6 host address is docker-proxy alone, to the container's IPv4 address.
 */
function hostIpOf(src: ComposeSource, path: KeyPath, text: string): string {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (isAddress(bare, 'ipv6') && !bare.includes('%')) return canonicalAddress(bare, 'ipv6');
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare))
    throw src.error(path, `"${text}" is not a host address (like 127.0.0.1, or [::1] for IPv6)`);
  return bare;
}

/** Host ports paired with container ports; undefined host ports are ephemeral. */
function pair(
  src: ComposeSource,
  path: KeyPath,
  hostPorts: number[] | undefined,
  containerPorts: number[],
  spec: string,
): Array<{ hostPort?: number; containerPort: number }> {
  if (!hostPorts) return containerPorts.map((containerPort) => ({ containerPort }));
  if (hostPorts.length === containerPorts.length)
    return containerPorts.map((containerPort, i) => ({ hostPort: hostPorts[i] as number, containerPort }));
  if (containerPorts.length === 1)
    throw src.error(
      path,
      `"${spec}": a host port range for one container port (Docker picks a free one) is not modelled; name one host port`,
    );
  throw src.error(path, `"${spec}": the host and container port ranges differ in length`);
}

/** One short-syntax entry (`"127.0.0.1:8080:80/tcp"`, `"3000-3002"`, `80`). */
export function shortPort(src: ComposeSource, path: KeyPath, raw: unknown): PortMapping[] {
  if (typeof raw !== 'string' && typeof raw !== 'number')
    throw src.error(path, 'a port is a string like "8080:80" or a mapping with target:');
  const spec = noInterpolation(src, path, String(raw).trim());
  const pieces = splitPublish(spec);
  if (!pieces) {
    throw src.error(
      path,
      `"${spec}" is not a port mapping ([HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]; an IPv6 host address in brackets: [::]:8080:80)`,
    );
  }
  const protocol = protocolOf(src, path, pieces.protocol);
  const hostIp =
    pieces.hostIp === undefined
      ? undefined
      : hostIpOf(src, path, pieces.bracketed ? `[${pieces.hostIp}]` : pieces.hostIp);
  const containerText = pieces.containerPort;
  const hostText = pieces.hostPort ?? '';
  const containerPorts = portRange(src, path, containerText, 'container port');
  const hostPorts = hostText === '' ? undefined : portRange(src, path, hostText, 'host port');
  return pair(src, path, hostPorts, containerPorts, spec).map((p) => ({
    ...(hostIp !== undefined ? { hostIp } : {}),
    ...p,
    protocol,
  }));
}

const LONG_KEYS = new Set(['target', 'published', 'host_ip', 'protocol', 'mode', 'app_protocol', 'name']);

/** One long-syntax entry (`{target: 80, published: "8080", host_ip: 127.0.0.1, protocol: tcp}`). */
export function longPort(src: ComposeSource, path: KeyPath, raw: Record<string, unknown>): PortMapping[] {
  for (const key of Object.keys(raw)) {
    if (!LONG_KEYS.has(key) && !key.startsWith('x-'))
      throw src.error(
        [...path, key],
        `"${key}" is not a key of a port (target, published, host_ip, protocol, mode)`,
      );
  }
  const { target, published, host_ip: hostIpRaw, protocol: protocolRaw, mode } = raw;
  if (typeof target !== 'number' && typeof target !== 'string')
    throw src.error(path, 'a port in long syntax needs target: (the container port)');
  if (mode !== undefined && mode !== 'host' && mode !== 'ingress')
    throw src.error([...path, 'mode'], `mode "${String(mode)}" is not host or ingress`);
  const containerPorts = portRange(src, [...path, 'target'], String(target), 'container port');
  if (containerPorts.length !== 1)
    throw src.error([...path, 'target'], 'target is one port in long syntax (no ranges)');
  if (protocolRaw !== undefined && typeof protocolRaw !== 'string')
    throw src.error([...path, 'protocol'], 'protocol is tcp or udp');
  const protocol = protocolOf(src, [...path, 'protocol'], protocolRaw);
  let hostIp: string | undefined;
  if (hostIpRaw !== undefined) {
    if (typeof hostIpRaw !== 'string') throw src.error([...path, 'host_ip'], 'host_ip is an address');
    hostIp = hostIpOf(src, [...path, 'host_ip'], hostIpRaw);
  }
  let hostPorts: number[] | undefined;
  if (published !== undefined && published !== null && published !== '') {
    if (typeof published !== 'number' && typeof published !== 'string')
      throw src.error([...path, 'published'], 'published is a port or a range');
    hostPorts = portRange(src, [...path, 'published'], String(published), 'host port');
  }
  return pair(src, path, hostPorts, containerPorts, String(published ?? target)).map((p) => ({
    ...(hostIp !== undefined ? { hostIp } : {}),
    ...p,
    protocol,
  }));
}

/** `expose`: container ports the service listens on, published nowhere. */
export function exposedPorts(src: ComposeSource, path: KeyPath, raw: unknown): ServedPort[] {
  if (typeof raw !== 'string' && typeof raw !== 'number')
    throw src.error(path, 'an exposed port is a number or a string like "8080" or "53/udp"');
  const spec = String(raw).trim();
  const [ports = '', proto, extra] = spec.split('/');
  if (extra !== undefined) throw src.error(path, `"${spec}" is not a port (PORT[-END][/PROTOCOL])`);
  const protocol = protocolOf(src, path, proto);
  return portRange(src, path, ports, 'exposed port').map((port) => ({ port, protocol }));
}
