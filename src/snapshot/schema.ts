/**
 * The snapshot file: what `nettwin snapshot` records of a real Docker host, and the
 * one place that says what a valid file is. Reading is pure (text in, value or
 * SnapshotError out): the error names the file and the field path, so a corrupt,
 * truncated or foreign file is never half-read into a wrong answer.
 *
 * Only networking facts are kept. Containers carry names, ids, addresses and published
 * ports, never environment, labels or commands: a snapshot is meant to be attached to a
 * bug report.
 *
 * Version 2 adds the IPv6 half (ip6tables-save, inet6 addresses, `ip -6 route`, the
 * containers' global IPv6 addresses); a version 1 file (IPv4 only) reads as it always did.
 * IPv6 text is kept in the one form `ip` and ip6tables print (`fd30::2`, never `FD30:0::2`),
 * so it compares as text and reaches no command in another spelling.
 */
import { z } from 'zod';
import { isIPv4, parseCidr } from '../netfilter/address/index.ts';
import {
  INTERFACE_NAME_FORM,
  isInterfaceName,
  isSysctlKey,
  isSysctlValue,
  SYSCTL_KEY_FORM,
  SYSCTL_VALUE_FORM,
} from '../netfilter/kernel-names.ts';
import { SnapshotError } from './errors.ts';
import { isCanonicalCidr6, isCanonicalIPv6 } from './ip6.ts';

/** The `format` field of every snapshot: anything else is not ours. */
export const SNAPSHOT_FORMAT = 'nettwin-snapshot';
/** Bumped when a field changes meaning; readers refuse versions they do not know. */
export const SNAPSHOT_VERSION = 2;
/** The oldest version still read: 1, IPv4 only (no ip6tables, routes6, IPv6 addresses). */
export const OLDEST_SNAPSHOT_VERSION = 1;

const ipv4 = z.string().refine(isIPv4, { message: 'expected an IPv4 address a.b.c.d' });
const cidr = z.string().refine(
  (text) => {
    try {
      parseCidr(text);
      return text.includes('/');
    } catch {
      return false;
    }
  },
  { message: 'expected an IPv4 CIDR a.b.c.d/len' },
);
const ipv6 = z.string().refine(isCanonicalIPv6, {
  message: 'expected an IPv6 address as `ip` prints it (lower case, zeros compressed: fd30::2)',
});
const ipv6Cidr = z.string().refine(isCanonicalCidr6, {
  message: 'expected an IPv6 CIDR as `ip -6 route` prints it (network address, lower case: fd30::/64)',
});
/** Either family; one message that says both forms (a union would say only "Invalid input"). */
const ipAny = z.string().refine((text) => isIPv4(text) || isCanonicalIPv6(text), {
  message:
    'expected an IPv4 address a.b.c.d or an IPv6 address as `ip` prints it (lower case, zeros compressed: fd30::2)',
});
/** An interface address of either family; the prefix fits the family. */
const interfaceAddress = z
  .object({ address: ipAny, prefix: z.number().int().min(0).max(128) })
  .superRefine((a, ctx) => {
    if (isIPv4(a.address) && a.prefix > 32)
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message: `an IPv4 prefix is 0-32, found ${a.prefix}`,
      });
  });
const port = z.number().int().min(0).max(65535);
const l4 = z.enum(['tcp', 'udp']);
/**
 * Interface names and sysctls reach `ip` and `sysctl` on a real host when a snapshot is
 * replayed (as root, in a privileged container): only the kernel's own forms are read.
 */
const ifname = z
  .string()
  .refine(isInterfaceName, { message: `expected an interface name (${INTERFACE_NAME_FORM})` });
const sysctlKey = z.string().refine(isSysctlKey, { message: `expected a sysctl key: ${SYSCTL_KEY_FORM}` });
const sysctlValue = z
  .string()
  .refine(isSysctlValue, { message: `expected a sysctl value: ${SYSCTL_VALUE_FORM}` });
/** Docker's own forms: a container name as the daemon accepts it, an id as it makes one. */
const containerName = z
  .string()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}$/,
    'expected a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)',
  );
const containerId = z.string().regex(/^[0-9a-f]{1,64}$/, 'expected a Docker container id (hex digits)');

export const interfaceSchema = z.object({
  name: ifname,
  kind: z.enum(['loopback', 'bridge', 'ether']),
  /** inet addresses, then (version 2) inet6 ones, each in the order `ip addr` lists them. */
  addresses: z.array(interfaceAddress),
  up: z.boolean(),
  /** The bridge this interface is a port of (a container's veth). */
  master: ifname.optional(),
  /** `ip -d link`'s info_kind: veth, bridge, vxlan … */
  linkKind: z.string().optional(),
});

export const routeSchema = z.object({
  destination: z.union([z.literal('default'), cidr, ipv4]),
  dev: ifname,
  via: ipv4.optional(),
  src: ipv4.optional(),
});

/** `ip -j -6 route`'s unicast routes (version 2): `default` is ::/0. */
export const route6Schema = z.object({
  destination: z.union([z.literal('default'), ipv6Cidr]),
  dev: ifname,
  via: ipv6.optional(),
  src: ipv6.optional(),
});

export const listenerSchema = z.object({
  protocol: l4,
  /** 0.0.0.0 or :: for any address of the family. */
  address: ipAny,
  port,
  owner: z.string().optional(),
  forwardTo: z.object({ address: ipAny, port }).optional(),
});

export const networkSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  driver: z.string(),
  /** The Linux bridge of a bridge network (docker0, br-<12 hex of the id>, or its bridge.name option). */
  bridge: ifname.optional(),
  internal: z.boolean(),
  /** `docker network create --ipv6` (version 2). */
  enableIPv6: z.boolean().optional(),
  /** Only the driver options that change rules or addresses (com.docker.network.bridge.*, mtu). */
  options: z.record(z.string(), z.string()),
  /** Subnets and gateways of both families (an `--ipv6` network has one of each). */
  ipam: z.array(
    z.object({
      subnet: z.string(),
      gateway: ipAny.optional(),
      ipRange: z.string().optional(),
    }),
  ),
});

export const endpointSchema = z.object({
  network: z.string().min(1),
  address: ipv4.optional(),
  prefix: z.number().int().min(0).max(32).optional(),
  gateway: ipv4.optional(),
  /** GlobalIPv6Address, GlobalIPv6PrefixLen and IPv6Gateway of the endpoint (version 2). */
  address6: ipv6.optional(),
  prefix6: z.number().int().min(0).max(128).optional(),
  gateway6: ipv6.optional(),
});

export const containerSchema = z.object({
  id: containerId,
  name: containerName,
  running: z.boolean(),
  endpoints: z.array(endpointSchema),
  ports: z.array(
    z.object({ containerPort: port, protocol: l4, hostIp: z.string().optional(), hostPort: port.optional() }),
  ),
});

const snapshotBase = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.union([z.literal(OLDEST_SNAPSHOT_VERSION), z.literal(SNAPSHOT_VERSION)]),
  takenAt: z.string(),
  host: z.object({ hostname: z.string(), kernel: z.string().optional() }),
  docker: z.object({
    serverVersion: z.string().min(1),
    apiVersion: z.string().optional(),
  }),
  iptables: z.object({
    /** `iptables --version`, e.g. "iptables v1.8.9 (nf_tables)". */
    version: z.string(),
    backend: z.enum(['nft', 'legacy']),
    /** `iptables-save -c` of every table. */
    save: z.string(),
    /** `iptables-legacy-save -c`, only where the other backend holds rules too. */
    legacySave: z.string().optional(),
  }),
  /**
   * `ip6tables-save -c` of every table (version 2), or why there is none: the host has no
   * ip6tables, or a kernel without IPv6. A version 1 file has neither: never recorded.
   */
  ip6tables: z
    .strictObject({ save: z.string().optional(), absent: z.string().min(1).optional() })
    .refine((o) => (o.save === undefined) !== (o.absent === undefined), {
      message:
        'expected {"save": <ip6tables-save -c text>} or {"absent": <why the host has none>}, one of the two',
    })
    .optional(),
  /** Native nft tables (`nft list ruleset` without iptables-nft's), with counters. */
  nftables: z
    .object({
      /** `nft --version`, e.g. "nftables v1.1.3 (Commodore Bullmoose #4)". */
      version: z.string(),
      ruleset: z.string().max(64 * 1024 * 1024),
    })
    .optional(),
  interfaces: z.array(interfaceSchema),
  routes: z.array(routeSchema),
  /** IPv6 routes of the main table (version 2). */
  routes6: z.array(route6Schema).optional(),
  sysctls: z.record(sysctlKey, sysctlValue),
  networks: z.array(networkSchema),
  containers: z.array(containerSchema),
  listeners: z.array(listenerSchema),
});

export const snapshotSchema = snapshotBase.superRefine((snapshot, ctx) => {
  if (snapshot.version < 2) versionOneHasNoIPv6(snapshot, ctx);
  // One name, one container: Docker never has two, and a replay must not pick one at random.
  const first = new Map<string, number>();
  snapshot.containers.forEach((c, i) => {
    const earlier = first.get(c.name);
    if (earlier === undefined) first.set(c.name, i);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['containers', i, 'name'],
        message: `"${c.name}" is the name of containers[${earlier}] too; container names are unique on a Docker host: rename or remove one`,
      });
    }
  });
});

/**
 * A version 1 file was written by a nettwin that recorded IPv4 only: IPv6 fields in it are
 * an edit or a foreign writer, and a reader that trusted them would mix two formats.
 */
function versionOneHasNoIPv6(snapshot: z.infer<typeof snapshotBase>, ctx: z.RefinementCtx): void {
  const fix = 'IPv6 fields need "version": 2 (set it, or remove the field)';
  const issue = (path: PropertyKey[]) => ctx.addIssue({ code: 'custom', path, message: fix });
  if (snapshot.ip6tables !== undefined) issue(['ip6tables']);
  if (snapshot.routes6 !== undefined) issue(['routes6']);
  for (const [n, i] of snapshot.interfaces.entries()) {
    for (const [k, a] of i.addresses.entries())
      if (a.address.includes(':')) issue(['interfaces', n, 'addresses', k, 'address']);
  }
  for (const [n, c] of snapshot.containers.entries()) {
    for (const [k, e] of c.endpoints.entries())
      if (e.address6 !== undefined) issue(['containers', n, 'endpoints', k, 'address6']);
  }
}

export type Snapshot = z.infer<typeof snapshotSchema>;
export type SnapshotRoute6 = z.infer<typeof route6Schema>;
export type SnapshotInterface = z.infer<typeof interfaceSchema>;
export type SnapshotNetwork = z.infer<typeof networkSchema>;
export type SnapshotContainer = z.infer<typeof containerSchema>;

/** `networks[1].ipam[0].subnet` from zod's path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(top level)';
}

/** Why a value at `path` does not fit, in zod's words made shorter. */
function describe(issue: z.core.$ZodIssue): string {
  // A record key that does not fit: zod says only "Invalid key in record"; say why.
  const inner = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  return (inner ?? issue).message.replace(/^Invalid input: /, '');
}

/** Validates a parsed JSON value. Throws SnapshotError naming the first bad field. */
export function validateSnapshot(value: unknown, file: string): Snapshot {
  // A foreign file is told apart first, so its error is about what it is, not about field 17.
  const head = value as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || Array.isArray(head)) {
    throw new SnapshotError(file, '(top level)', 'expected a JSON object written by `nettwin snapshot`');
  }
  if (head.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      file,
      'format',
      `expected "${SNAPSHOT_FORMAT}", found ${JSON.stringify(head.format) ?? 'nothing'}: this is not a nettwin snapshot (take one with \`nettwin snapshot --out FILE\`)`,
    );
  }
  if (typeof head.version === 'number' && head.version > SNAPSHOT_VERSION) {
    throw new SnapshotError(
      file,
      'version',
      `format version ${head.version} is newer than this nettwin reads (${SNAPSHOT_VERSION}): upgrade nettwin`,
    );
  }
  const result = snapshotSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  throw new SnapshotError(file, fieldPath(issue.path), `${describe(issue)}${more}`);
}

/** JSON text → Snapshot, or SnapshotError. */
export function parseSnapshotJson(text: string, file: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(
      file,
      '(top level)',
      `not JSON (${(error as Error).message}); a snapshot is the JSON file \`nettwin snapshot --out FILE\` writes`,
    );
  }
  return validateSnapshot(value, file);
}
