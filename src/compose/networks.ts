/**
 * Top-level `networks:` of a compose file: what `docker compose up` asks Docker to
 * create (`<project>_<key>` unless `name:` says otherwise) or expects to exist
 * (`external`). Only what touches the bridge driver's rules is read; IPv6 and drivers
 * other than bridge are refused by name.
 */
import ipaddr from 'ipaddr.js';
import type { NetworkOptions } from '../contract.ts';
import { SUPPORTED_NETWORK_OPTIONS } from '../docker/network-options.ts';
import type { KeyPath } from './errors.ts';
import { isMapping, type Mapping, noInterpolation } from './values.ts';
import type { ComposeSource } from './yaml-source.ts';

export interface ComposeNetwork {
  /** The key under top-level `networks:` (`default` for the implicit one). */
  key: string;
  /** Docker's name for it. */
  name: string;
  /** Exists already: compose does not create it (nor remove it). */
  external: boolean;
  /** What to create (absent for external networks). */
  options?: NetworkOptions;
}

const NETWORK_KEYS = new Set([
  'name',
  'driver',
  'driver_opts',
  'attachable',
  'enable_ipv6',
  'enable_ipv4',
  'external',
  'internal',
  'ipam',
  'labels',
]);

/** Driver options the Docker model implements (IPv6 ones wait for the IPv6 model). */
const DRIVER_OPTIONS = SUPPORTED_NETWORK_OPTIONS.filter((o) => !o.includes('ipv6'));

export function readNetwork(src: ComposeSource, project: string, key: string, raw: unknown): ComposeNetwork {
  const path: KeyPath = ['networks', key];
  if (raw === null || raw === undefined) raw = {};
  if (!isMapping(raw)) throw src.error(path, 'a network is a mapping (or empty)');
  for (const k of Object.keys(raw)) {
    if (!NETWORK_KEYS.has(k) && !k.startsWith('x-'))
      throw src.error([...path, k], `"${k}" is not a key of a compose network`);
  }
  const name = optionalString(src, [...path, 'name'], raw.name);
  const external = readExternal(src, [...path, 'external'], raw.external);
  if (external.external) {
    for (const k of ['driver', 'driver_opts', 'ipam', 'internal', 'enable_ipv6'] as const) {
      if (raw[k] !== undefined)
        throw src.error(
          [...path, k],
          `an external network is created elsewhere: "${k}" does not apply to it`,
        );
    }
    return { key, name: external.name ?? name ?? key, external: true };
  }
  const dockerName = name ?? `${project}_${key}`;
  const options: NetworkOptions = { name: dockerName, driver: 'bridge' };
  const driver = optionalString(src, [...path, 'driver'], raw.driver);
  if (driver !== undefined && driver !== 'bridge')
    throw src.error([...path, 'driver'], `network driver "${driver}" is not modelled (only bridge)`);
  if (raw.enable_ipv6 === true || raw.enable_ipv6 === 'true')
    throw src.error(
      [...path, 'enable_ipv6'],
      'IPv6 is not modelled yet; remove enable_ipv6 to model the IPv4 side',
    );
  if (raw.enable_ipv4 === false || raw.enable_ipv4 === 'false')
    throw src.error([...path, 'enable_ipv4'], 'IPv6-only networks are not modelled yet');
  if (raw.internal !== undefined) {
    if (typeof raw.internal !== 'boolean')
      throw src.error([...path, 'internal'], 'internal is true or false');
    if (raw.internal) options.internal = true;
  }
  const driverOptions = readDriverOptions(src, [...path, 'driver_opts'], raw.driver_opts);
  if (driverOptions) options.options = driverOptions;
  Object.assign(options, readIpam(src, [...path, 'ipam'], raw.ipam));
  return { key, name: dockerName, external: false, options };
}

function readExternal(src: ComposeSource, path: KeyPath, raw: unknown): { external: boolean; name?: string } {
  if (raw === undefined || raw === false) return { external: false };
  if (raw === true) return { external: true };
  // The legacy form `external: {name: x}`.
  if (isMapping(raw)) {
    const name = optionalString(src, [...path, 'name'], raw.name);
    return { external: true, ...(name !== undefined ? { name } : {}) };
  }
  throw src.error(path, 'external is true or false');
}

function readDriverOptions(
  src: ComposeSource,
  path: KeyPath,
  raw: unknown,
): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMapping(raw)) throw src.error(path, 'driver_opts is a mapping of option: value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!DRIVER_OPTIONS.includes(k)) {
      throw src.error(
        [...path, k],
        `driver option "${k}" is not modelled (modelled: ${DRIVER_OPTIONS.join(', ')})`,
      );
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw src.error([...path, k], 'a driver option is a string, number or boolean');
    out[k] = noInterpolation(src, [...path, k], String(v));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const IPAM_KEYS = new Set(['driver', 'config', 'options']);
const IPAM_CONFIG_KEYS = new Set(['subnet', 'ip_range', 'gateway', 'aux_addresses']);

function readIpam(src: ComposeSource, path: KeyPath, raw: unknown): Partial<NetworkOptions> {
  if (raw === undefined || raw === null) return {};
  if (!isMapping(raw)) throw src.error(path, 'ipam is a mapping (driver, config, options)');
  for (const k of Object.keys(raw)) {
    if (!IPAM_KEYS.has(k) && !k.startsWith('x-'))
      throw src.error([...path, k], `"${k}" is not a key of ipam`);
  }
  const driver = optionalString(src, [...path, 'driver'], raw.driver);
  if (driver !== undefined && driver !== 'default')
    throw src.error([...path, 'driver'], `IPAM driver "${driver}" is not modelled (only default)`);
  if (
    raw.options !== undefined &&
    raw.options !== null &&
    !(isMapping(raw.options) && Object.keys(raw.options).length === 0)
  )
    throw src.error([...path, 'options'], 'IPAM driver options are not modelled');
  const config = raw.config ?? [];
  if (!Array.isArray(config))
    throw src.error([...path, 'config'], 'ipam config is a list of {subnet, gateway, ip_range}');
  config.forEach((c, i) => {
    if (!isMapping(c)) throw src.error([...path, 'config', i], 'an ipam config entry is a mapping');
    if (typeof c.subnet === 'string' && c.subnet.includes(':'))
      throw src.error([...path, 'config', i, 'subnet'], 'IPv6 is not modelled yet');
  });
  if (config.length > 1)
    throw src.error(
      [...path, 'config', 1],
      'one IPv4 subnet per network is modelled; this network names several',
    );
  const c = config[0] as Mapping | undefined;
  if (!c) return {};
  const at: KeyPath = [...path, 'config', 0];
  for (const k of Object.keys(c)) {
    if (!IPAM_CONFIG_KEYS.has(k) && !k.startsWith('x-'))
      throw src.error([...at, k], `"${k}" is not a key of an ipam config entry`);
  }
  if (c.aux_addresses !== undefined)
    throw src.error([...at, 'aux_addresses'], 'aux_addresses are not modelled');
  const out: Partial<NetworkOptions> = {};
  const subnet = optionalString(src, [...at, 'subnet'], c.subnet);
  if (subnet !== undefined) out.subnet = cidr(src, [...at, 'subnet'], subnet);
  const ipRange = optionalString(src, [...at, 'ip_range'], c.ip_range);
  if (ipRange !== undefined) out.ipRange = cidr(src, [...at, 'ip_range'], ipRange);
  const gateway = optionalString(src, [...at, 'gateway'], c.gateway);
  if (gateway !== undefined) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(gateway))
      throw src.error([...at, 'gateway'], `"${gateway}" is not an IPv4 address`);
    out.gateway = gateway;
  }
  return out;
}

/** Written as the file wrote it: Docker itself refuses host bits, as it does for `--subnet`. */
function cidr(src: ComposeSource, path: KeyPath, text: string): string {
  const [address = '', prefix, extra] = text.split('/');
  if (
    extra !== undefined ||
    prefix === undefined ||
    !/^\d{1,2}$/.test(prefix) ||
    Number(prefix) > 32 ||
    !ipaddr.IPv4.isValidFourPartDecimal(address)
  )
    throw src.error(path, `"${text}" is not an IPv4 subnet (like 172.30.0.0/24)`);
  return text;
}

function optionalString(src: ComposeSource, path: KeyPath, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw === '') throw src.error(path, 'expected a non-empty string');
  return noInterpolation(src, path, raw);
}
