/**
 * Turns the words of a step into domain values, or says precisely what is wrong.
 * Pure: used by the parameter types and by the regexp steps that carry optional parts.
 */
import type { PortMapping } from '../../src/backends/backend.ts';
import {
  formatIPv4,
  isIPv4,
  makeCidr,
  cidrContains as numericCidrContains,
  parseIPv4,
  parseCidr as parseNumericCidr,
} from '../../src/netfilter/address/index.ts';

export class ValueError extends Error {
  override name = 'ValueError';
}

/** A dotted-quad IPv4 address, normalised ("172.018.0.1" is refused, as Docker would). */
export function parseIp(text: string): string {
  if (!isIPv4(text)) {
    throw new ValueError(`"${text}" is not an IPv4 address (expected four decimal parts, e.g. 172.18.0.2)`);
  }
  const normal = formatIPv4(parseIPv4(text));
  if (normal !== text) throw new ValueError(`"${text}" is not written canonically; write ${normal}`);
  return normal;
}

/** An IPv4 network in CIDR form; host bits must be clear, as Docker's IPAM requires. */
export function parseCidr(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0)
    throw new ValueError(`"${text}" is not a CIDR (expected ADDRESS/PREFIX, e.g. 172.18.0.0/16)`);
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,2}$/.test(prefixText) || prefix > 32) {
    throw new ValueError(`"${text}" has prefix "${prefixText}"; expected 0 to 32`);
  }
  const network = formatIPv4(makeCidr(parseIPv4(address), prefix).network);
  if (network !== address) {
    throw new ValueError(`"${text}" has host bits set; the network is ${network}/${prefix}`);
  }
  return `${address}/${prefix}`;
}

/** Is `ip` inside `cidr`? Both already validated. */
export function cidrContains(cidr: string, ip: string): boolean {
  return numericCidrContains(parseNumericCidr(cidr), parseIPv4(ip));
}

function parsePort(text: string, what: string, whole: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new ValueError(`${what} "${text}" in "${whole}" is not a port (1-65535)`);
  }
  return port;
}

/** `docker run -p` syntax: `8080:80`, `127.0.0.1:8080:80/udp`, `80` (ephemeral host port). */
export function parsePortMapping(text: string): PortMapping {
  const [spec = '', protocolText = 'tcp', extra] = text.split('/');
  if (extra !== undefined || (protocolText !== 'tcp' && protocolText !== 'udp')) {
    throw new ValueError(`"${text}" has protocol "${protocolText}"; expected tcp or udp`);
  }
  const protocol: 'tcp' | 'udp' = protocolText;
  const parts = spec.split(':');
  if (parts.length === 1) {
    return { containerPort: parsePort(parts[0] ?? '', 'container port', text), protocol };
  }
  if (parts.length === 2) {
    return {
      hostPort: parsePort(parts[0] ?? '', 'host port', text),
      containerPort: parsePort(parts[1] ?? '', 'container port', text),
      protocol,
    };
  }
  if (parts.length === 3) {
    const mapping: PortMapping = {
      hostIp: parseIp(parts[0] ?? ''),
      containerPort: parsePort(parts[2] ?? '', 'container port', text),
      protocol,
    };
    if (parts[1] !== '') mapping.hostPort = parsePort(parts[1] ?? '', 'host port', text);
    return mapping;
  }
  throw new ValueError(`"${text}" is not a port mapping (expected [IP:]HOSTPORT:PORT[/tcp|udp])`);
}

/** A comma-separated list of mappings: `8080:80, 8443:443`. */
export function parsePortMappings(text: string): PortMapping[] {
  return text.split(/\s*,\s*|\s+and\s+/).map(parsePortMapping);
}

/** A positive count of packets, pings or attempts. */
export function parseCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1000)
    throw new ValueError(`"${text}" is not a count from 1 to 1000`);
  return n;
}

/**
 * Docker's name rules: a container name is [a-zA-Z0-9][a-zA-Z0-9_.-]+ (two characters at
 * least: `docker run --name a` is refused); network names may be one character; a Linux
 * interface name has at most 15.
 */
export function parseName(text: string, what: 'container' | 'network' | 'bridge'): string {
  const limit = what === 'bridge' ? 15 : 128;
  const pattern = what === 'container' ? /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/ : /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
  if (!pattern.test(text) || text.length > limit) {
    const minimum = what === 'container' ? ', at least 2' : '';
    throw new ValueError(
      `"${text}" is not a valid ${what} name (letters, digits, _ . - ; at most ${limit} characters${minimum})`,
    );
  }
  return text;
}

export interface HttpUrl {
  url: string;
  host: string;
  port: number;
  path: string;
}

/** An http:// URL whose host is an address or a container name. */
export function parseHttpUrl(text: string): HttpUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValueError(`"${text}" is not a URL (expected http://HOST[:PORT]/PATH)`);
  }
  if (url.protocol !== 'http:') throw new ValueError(`"${text}" is not an http:// URL`);
  return { url: text, host: url.hostname, port: url.port ? Number(url.port) : 80, path: url.pathname };
}
