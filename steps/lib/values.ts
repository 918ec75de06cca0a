/**
 * Turns the words of a step into domain values, or says precisely what is wrong.
 * Pure: used by the parameter types and by the regexp steps that carry optional parts.
 */
import type { PortMapping } from '../../src/backends/backend.ts';
import { splitPublish } from '../../src/docker/publish.ts';
import {
  addressFamily,
  canonicalAddress,
  canonicalPrefix,
  type Family,
  parseAddress,
  parsePrefix,
  prefixContains,
} from '../../src/netfilter/address/index.ts';

export class ValueError extends Error {
  override name = 'ValueError';
}

/** `family` in the words of an error ("an IPv4 address", "an IP address"). */
function familyWords(family: Family | undefined): string {
  return family === 'ipv4' ? 'IPv4' : family === 'ipv6' ? 'IPv6' : 'IP';
}

const EXAMPLE: Record<Family, string> = { ipv4: '172.18.0.2', ipv6: 'fd00:1::2' };

/**
 * An address of either family (or of `family` only), written canonically: a dotted quad
 * ("172.018.0.1" is refused, as Docker would) or inet_ntop's compressed IPv6 text
 * (`fd00:1::2`, lower case), the form every listing prints, so steps and tables agree.
 */
export function parseIp(text: string, family?: Family): string {
  const found = addressFamily(text);
  if (found === undefined || (family !== undefined && found !== family)) {
    const example = family ? EXAMPLE[family] : `${EXAMPLE.ipv4} or ${EXAMPLE.ipv6}`;
    throw new ValueError(`"${text}" is not an ${familyWords(family)} address (expected e.g. ${example})`);
  }
  const normal = canonicalAddress(text, found);
  if (normal !== text) throw new ValueError(`"${text}" is not written canonically; write ${normal}`);
  return normal;
}

/** A network in CIDR form of either family (or of `family`); host bits must be clear, as Docker's IPAM requires. */
export function parseCidr(text: string, family?: Family): string {
  const slash = text.indexOf('/');
  if (slash < 0)
    throw new ValueError(
      `"${text}" is not a CIDR (expected ADDRESS/PREFIX, e.g. ${family === 'ipv6' ? 'fd00:1::/64' : '172.18.0.0/16'})`,
    );
  const address = parseIp(text.slice(0, slash), family);
  const found = addressFamily(address) as Family;
  const bits = found === 'ipv4' ? 32 : 128;
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) {
    throw new ValueError(`"${text}" has prefix "${prefixText}"; expected 0 to ${bits}`);
  }
  const network = canonicalPrefix(text, found);
  if (network !== `${address}/${prefix}`) {
    throw new ValueError(`"${text}" has host bits set; the network is ${network}`);
  }
  return network;
}

/** Is `ip` inside `cidr`? Both already validated; an address of the other family never is. */
export function cidrContains(cidr: string, ip: string): boolean {
  return prefixContains(parsePrefix(cidr), parseAddress(ip));
}

function parsePort(text: string, what: string, whole: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new ValueError(`${what} "${text}" in "${whole}" is not a port (1-65535)`);
  }
  return port;
}

/**
 * `docker run -p` syntax: `8080:80`, `127.0.0.1:8080:80/udp`, `80` (ephemeral host port),
 * and an IPv6 host address in brackets as docker writes it: `[::]:8080:80`, `[::1]::80`.
 */
export function parsePortMapping(text: string): PortMapping {
  const pieces = splitPublish(text);
  if (!pieces) {
    throw new ValueError(
      `"${text}" is not a port mapping (expected [IP:]HOSTPORT:PORT[/tcp|udp], an IPv6 IP in brackets: [::]:8080:80)`,
    );
  }
  const protocolText = pieces.protocol ?? 'tcp';
  if (protocolText !== 'tcp' && protocolText !== 'udp') {
    throw new ValueError(`"${text}" has protocol "${protocolText}"; expected tcp or udp`);
  }
  const protocol: 'tcp' | 'udp' = protocolText;
  const mapping: PortMapping = {
    containerPort: parsePort(pieces.containerPort, 'container port', text),
    protocol,
  };
  if (pieces.hostIp !== undefined) {
    mapping.hostIp = parseIp(pieces.hostIp, pieces.bracketed ? 'ipv6' : 'ipv4');
    // `IP::PORT`: the host port left out, Docker picks one.
    if (pieces.hostPort !== '') mapping.hostPort = parsePort(pieces.hostPort ?? '', 'host port', text);
  } else if (pieces.hostPort !== undefined) {
    mapping.hostPort = parsePort(pieces.hostPort, 'host port', text);
  }
  return mapping;
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
