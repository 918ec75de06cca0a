/**
 * One entry of `services:`, reduced to what touches networking: how many containers,
 * their names, networks (aliases, fixed addresses), network mode, published and exposed
 * ports, and start order. Keys that do not touch networking are ignored; a networking
 * key nettwin does not model is refused by name.
 */
import ipaddr from 'ipaddr.js';
import type { PortMapping } from '../contract.ts';
import type { KeyPath } from './errors.ts';
import { exposedPorts, longPort, type ServedPort, shortPort } from './ports.ts';
import { isMapping, noInterpolation } from './values.ts';
import type { ComposeSource } from './yaml-source.ts';

export type NetworkMode =
  | { kind: 'networks' }
  | { kind: 'host' | 'none' | 'bridge' }
  | { kind: 'service'; service: string }
  | { kind: 'container'; container: string };

export interface ServiceNetwork {
  /** Key under top-level `networks:`. */
  key: string;
  aliases: string[];
  ipv4Address?: string;
  /** compose's `priority`: higher first when the container joins its networks. */
  priority: number;
}

export interface ComposeService {
  name: string;
  replicas: number;
  containerName?: string;
  mode: NetworkMode;
  /** With mode "networks": the networks it joins (`default` when it names none). */
  networks: ServiceNetwork[];
  publish: PortMapping[];
  /** Ports the service listens on: every published and exposed container port. */
  served: ServedPort[];
  dependsOn: string[];
  /** A service with profiles starts only when one of them is enabled: never, here. */
  profiles: string[];
}

/** Keys of the compose specification that do not change the host's networking. */
const IGNORED = new Set(
  (
    'annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs cpu_count ' +
    'cpu_percent cpu_shares cpu_quota cpu_period cpu_rt_period cpu_rt_runtime cpus cpuset credential_spec ' +
    'develop device_cgroup_rules devices domainname entrypoint env_file environment gpus group_add healthcheck ' +
    'hostname image init ipc isolation labels label_file logging mem_limit mem_reservation mem_swappiness ' +
    'memswap_limit models oom_kill_disable oom_score_adj pid pids_limit platform post_start pre_stop privileged ' +
    'pull_policy read_only restart runtime secrets security_opt shm_size stdin_open stop_grace_period ' +
    'stop_signal storage_opt tmpfs tty ulimits use_api_socket user userns_mode uts volumes volumes_from working_dir'
  ).split(' '),
);

/** Keys that change networking and are not modelled yet: refused by name, never ignored. */
const NOT_MODELLED: Record<string, string> = {
  dns: 'custom DNS servers',
  dns_opt: 'resolver options',
  dns_search: 'DNS search domains',
  extra_hosts: '/etc/hosts entries',
  links: 'legacy links (use networks and aliases)',
  external_links: 'links to containers outside the project',
  mac_address: 'fixed MAC addresses',
  sysctls: 'per-container sysctls',
  extends: 'extends (it may bring networking keys from another file)',
  driver_opts: 'per-endpoint driver options',
  provider: 'provider services',
};

const MODELLED = new Set([
  'container_name',
  'depends_on',
  'deploy',
  'expose',
  'network_mode',
  'networks',
  'ports',
  'scale',
  'profiles',
]);

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function readService(src: ComposeSource, name: string, raw: unknown): ComposeService {
  const path: KeyPath = ['services', name];
  if (!NAME.test(name))
    throw src.error(path, `"${name}" is not a service name (letters, digits, "_", "." and "-")`);
  if (raw === null || raw === undefined) raw = {};
  if (!isMapping(raw)) throw src.error(path, 'a service is a mapping of keys (image, ports, networks …)');
  for (const key of Object.keys(raw)) {
    if (MODELLED.has(key) || IGNORED.has(key) || key.startsWith('x-')) continue;
    if (Object.hasOwn(NOT_MODELLED, key))
      throw src.error(
        [...path, key],
        `not modelled yet (${NOT_MODELLED[key]}); remove "${key}" to model the rest`,
      );
    throw src.error([...path, key], `"${key}" is not a key of a compose service`);
  }
  const service: ComposeService = {
    name,
    replicas: replicasOf(src, path, raw.deploy, raw.scale),
    mode: networkModeOf(src, [...path, 'network_mode'], raw.network_mode),
    networks: [],
    publish: [],
    served: [],
    dependsOn: dependsOnOf(src, [...path, 'depends_on'], raw.depends_on),
    profiles: stringList(src, [...path, 'profiles'], raw.profiles),
  };
  if (raw.container_name !== undefined) {
    const n = raw.container_name;
    if (typeof n !== 'string' || !NAME.test(n))
      throw src.error(
        [...path, 'container_name'],
        'container_name is a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)',
      );
    if (service.replicas > 1)
      throw src.error(
        [...path, 'container_name'],
        'a service with container_name runs one container; remove replicas or scale',
      );
    service.containerName = n;
  }
  if (raw.networks !== undefined && raw.networks !== null) {
    if (service.mode.kind !== 'networks')
      throw src.error([...path, 'networks'], 'network_mode and networks exclude each other: keep one');
    service.networks = serviceNetworks(src, [...path, 'networks'], raw.networks);
  }
  if (service.mode.kind === 'networks' && service.networks.length === 0)
    service.networks = [{ key: 'default', aliases: [], priority: 0 }];
  if (service.mode.kind === 'service') service.dependsOn.push(service.mode.service);
  service.publish = portsOf(src, [...path, 'ports'], raw.ports);
  if (service.publish.length > 0 && (service.mode.kind === 'service' || service.mode.kind === 'container'))
    throw src.error(
      [...path, 'ports'],
      'conflicting options: port publishing and the container type network mode (publish on the service that owns the namespace)',
    );
  // Docker refuses both in another container's namespace (runconfig's validateNetContainerMode).
  if (
    list(src, [...path, 'expose'], raw.expose).length > 0 &&
    (service.mode.kind === 'service' || service.mode.kind === 'container')
  )
    throw src.error(
      [...path, 'expose'],
      'conflicting options: port exposing and the container type network mode (expose on the service that owns the namespace)',
    );
  const served = new Map<string, ServedPort>();
  for (const p of service.publish)
    served.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
  list(src, [...path, 'expose'], raw.expose).forEach((e, i) => {
    for (const p of exposedPorts(src, [...path, 'expose', i], e)) served.set(`${p.port}/${p.protocol}`, p);
  });
  service.served = [...served.values()];
  return service;
}

function list(src: ComposeSource, path: KeyPath, raw: unknown): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw src.error(path, 'expected a list');
  return raw;
}

function stringList(src: ComposeSource, path: KeyPath, raw: unknown): string[] {
  return list(src, path, raw).map((v, i) => {
    if (typeof v !== 'string' || v === '') throw src.error([...path, i], 'expected a non-empty string');
    return noInterpolation(src, [...path, i], v);
  });
}

function count(src: ComposeSource, path: KeyPath, raw: unknown): number {
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100)
    throw src.error(path, 'expected a whole number of containers (0-100)');
  return n;
}

function replicasOf(src: ComposeSource, path: KeyPath, deploy: unknown, scale: unknown): number {
  let replicas: number | undefined;
  if (deploy !== undefined && deploy !== null) {
    if (!isMapping(deploy)) throw src.error([...path, 'deploy'], 'deploy is a mapping');
    if (deploy.mode !== undefined && deploy.mode !== 'replicated' && deploy.mode !== 'global')
      throw src.error(
        [...path, 'deploy', 'mode'],
        `deploy mode "${String(deploy.mode)}" is not replicated or global`,
      );
    if (deploy.replicas !== undefined)
      replicas = count(src, [...path, 'deploy', 'replicas'], deploy.replicas);
  }
  if (scale !== undefined) {
    const s = count(src, [...path, 'scale'], scale);
    if (replicas !== undefined && replicas !== s)
      throw src.error([...path, 'scale'], `scale ${s} and deploy.replicas ${replicas} disagree`);
    replicas = s;
  }
  return replicas ?? 1;
}

function networkModeOf(src: ComposeSource, path: KeyPath, raw: unknown): NetworkMode {
  if (raw === undefined || raw === null) return { kind: 'networks' };
  if (typeof raw !== 'string')
    throw src.error(path, 'network_mode is host, none, bridge, service:NAME or container:NAME');
  const mode = noInterpolation(src, path, raw);
  if (mode === 'host' || mode === 'none' || mode === 'bridge') return { kind: mode };
  const m = /^(service|container):(.+)$/.exec(mode);
  if (m?.[1] === 'service') return { kind: 'service', service: m[2] as string };
  if (m?.[1] === 'container') return { kind: 'container', container: m[2] as string };
  throw src.error(
    path,
    `network_mode "${mode}" is not modelled (host, none, bridge, service:NAME, container:NAME)`,
  );
}

function dependsOnOf(src: ComposeSource, path: KeyPath, raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return stringList(src, path, raw);
  if (isMapping(raw)) return Object.keys(raw);
  throw src.error(path, 'depends_on is a list of services or a mapping of service: {condition}');
}

const ENDPOINT_KEYS = new Set(['aliases', 'ipv4_address', 'ipv6_address', 'priority', 'gw_priority']);

function serviceNetworks(src: ComposeSource, path: KeyPath, raw: unknown): ServiceNetwork[] {
  if (Array.isArray(raw)) return stringList(src, path, raw).map((key) => ({ key, aliases: [], priority: 0 }));
  if (!isMapping(raw))
    throw src.error(path, 'networks is a list of network keys or a mapping of key: {aliases, ipv4_address}');
  return Object.entries(raw).map(([key, value]): ServiceNetwork => {
    const at: KeyPath = [...path, key];
    if (value === null || value === undefined) return { key, aliases: [], priority: 0 };
    if (!isMapping(value))
      throw src.error(at, 'a service network is a mapping (aliases, ipv4_address) or empty');
    for (const k of Object.keys(value)) {
      if (k === 'link_local_ips' || k === 'mac_address' || k === 'driver_opts' || k === 'interface_name')
        throw src.error([...at, k], `"${k}" is not modelled yet; remove it to model the rest`);
      if (!ENDPOINT_KEYS.has(k) && !k.startsWith('x-'))
        throw src.error([...at, k], `"${k}" is not a key of a service network`);
    }
    if (value.ipv6_address !== undefined)
      throw src.error([...at, 'ipv6_address'], 'IPv6 is not modelled yet');
    if (value.gw_priority !== undefined)
      throw src.error(
        [...at, 'gw_priority'],
        'gw_priority is not modelled yet (the gateway is the first non-internal network by name)',
      );
    const out: ServiceNetwork = {
      key,
      aliases: stringList(src, [...at, 'aliases'], value.aliases),
      priority: 0,
    };
    if (value.ipv4_address !== undefined) {
      const ip = value.ipv4_address;
      if (typeof ip !== 'string' || !ipaddr.IPv4.isValidFourPartDecimal(ip))
        throw src.error([...at, 'ipv4_address'], `"${String(ip)}" is not an IPv4 address`);
      out.ipv4Address = ip;
    }
    if (value.priority !== undefined) {
      if (typeof value.priority !== 'number' || !Number.isInteger(value.priority))
        throw src.error([...at, 'priority'], 'priority is a whole number');
      out.priority = value.priority;
    }
    return out;
  });
}

function portsOf(src: ComposeSource, path: KeyPath, raw: unknown): PortMapping[] {
  return list(src, path, raw).flatMap((entry, i) =>
    isMapping(entry) ? longPort(src, [...path, i], entry) : shortPort(src, [...path, i], entry),
  );
}
