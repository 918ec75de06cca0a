/**
 * Settings of the Docker I/O layer: image names, each host's outside world, host reuse.
 * Defaults come from the recipes under docker/ (tags carry the recipe hash); every
 * value can be overridden from the environment. NETTWIN_DIND_IMAGE names any DinD image
 * (e.g. `docker:29-dind` where a registry is reachable): the Docker version it serves is
 * measured from the image itself (src/dind/foreign-image.ts).
 */
import { z } from 'zod';
import { PROFILES } from '../docker/profile.ts';
import {
  cidrContains,
  cidrOverlaps,
  isCidr,
  isIPv4,
  parseCidr,
  parseIPv4,
} from '../netfilter/address/index.ts';
import { isImageReference } from './image-reference.ts';
import { recipeTag } from './images/recipes.ts';

const ipv4 = z.string().refine(isIPv4, 'expected an IPv4 address');
const cidr = z.string().refine(isCidr, 'expected an IPv4 CIDR');
const imageReference = z
  .string()
  .refine(
    isImageReference,
    'expected a Docker image reference such as docker:29-dind or registry:5000/dind:28.5',
  );

export const DindConfigSchema = z.object({
  /** Docker version profile → DinD image. */
  dindImages: z.record(z.string(), imageReference),
  /**
   * NETTWIN_DIND_IMAGE: a DinD image nettwin did not build. It serves the Docker version
   * its daemon reports; the other versions keep dindImages.
   */
  foreignImage: imageReference.optional(),
  workloadImage: z.string().min(1),
  /** The LAN every host sees on its eth0 (its own, inside the host container). */
  outerSubnet: cidr,
  /** The DinD host's eth0 address, as in seed 004. */
  hostAddress: ipv4,
  /** The "outside world": the external client, a namespace on the host's LAN. */
  clientAddress: ipv4,
  /** A second machine on the LAN that may route container subnets via the host. */
  neighbourAddress: ipv4,
  /** Reuse started hosts between scenarios (reset instead of a fresh host). */
  reuseHosts: z.boolean(),
  /** With reuse: a second host for a version and daemon options asked for again, reset while the other serves. */
  spareHosts: z.boolean(),
  /** Milliseconds to wait for the inner `docker info`. */
  startupTimeoutMs: z.number().int().positive(),
});

export type DindConfig = z.infer<typeof DindConfigSchema>;

export const DOCKER_VERSIONS = ['20.10', '26.1', '28.5'] as const;

function envFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/** The settings in effect: defaults, then `overrides`, then the environment. */
export function loadDindConfig(
  overrides: Partial<DindConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): DindConfig {
  const dindImages: Record<string, string> = {};
  for (const version of DOCKER_VERSIONS) {
    dindImages[version] =
      env[dindImageVariable(version)] || overrides.dindImages?.[version] || recipeTag(`dind-${version}`);
  }
  // A model-only version (29.7) gets a real engine where a user names an image of it.
  for (const version of Object.keys(PROFILES)) {
    const image = env[dindImageVariable(version)] || overrides.dindImages?.[version];
    if (!(version in dindImages) && image) dindImages[version] = image;
  }
  const foreignImage = env.NETTWIN_DIND_IMAGE || overrides.foreignImage;
  const raw = {
    dindImages,
    ...(foreignImage ? { foreignImage } : {}),
    workloadImage: env.NETTWIN_WORKLOAD_IMAGE || overrides.workloadImage || recipeTag('workload'),
    outerSubnet: env.NETTWIN_OUTER_SUBNET || overrides.outerSubnet || '192.168.70.0/24',
    hostAddress: env.NETTWIN_HOST_ADDRESS || overrides.hostAddress || '192.168.70.6',
    clientAddress: env.NETTWIN_CLIENT_ADDRESS || overrides.clientAddress || '192.168.70.9',
    neighbourAddress: env.NETTWIN_NEIGHBOUR_ADDRESS || overrides.neighbourAddress || '192.168.70.10',
    reuseHosts: envFlag(env.NETTWIN_REUSE_HOSTS, overrides.reuseHosts ?? true),
    spareHosts: envFlag(env.NETTWIN_SPARE_HOSTS, overrides.spareHosts ?? true),
    startupTimeoutMs: Number(env.NETTWIN_DIND_STARTUP_TIMEOUT_MS || overrides.startupTimeoutMs || 60_000),
  };
  const parsed = DindConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${settingName(i.path)}: ${i.message}`).join('; ');
    throw new Error(`Invalid nettwin DinD settings (check NETTWIN_* environment variables): ${problems}`);
  }
  const lan = parseCidr(parsed.data.outerSubnet);
  for (const key of ['hostAddress', 'clientAddress', 'neighbourAddress'] as const) {
    if (!cidrContains(lan, parseIPv4(parsed.data[key]))) {
      throw new Error(
        `Invalid nettwin DinD settings: ${key} ${parsed.data[key]} is not in ${parsed.data.outerSubnet}`,
      );
    }
  }
  if (overlapsDockerPools(parsed.data.outerSubnet)) {
    throw new Error(
      `Outer subnet ${parsed.data.outerSubnet} lies in 172.16–172.31: the inner docker0 and user ` +
        'networks would collide with it. Choose e.g. 192.168.70.0/24 (NETTWIN_OUTER_SUBNET).',
    );
  }
  return parsed.data;
}

/** The variable that sets a version's DinD image: NETTWIN_DIND_IMAGE_28_5. */
export function dindImageVariable(version: string): string {
  return `NETTWIN_DIND_IMAGE_${version.replace('.', '_')}`;
}

/** The environment variable behind a setting, where one sets it, for messages. */
function settingName(path: readonly PropertyKey[]): string {
  if (path[0] === 'foreignImage') return 'NETTWIN_DIND_IMAGE';
  if (path[0] === 'dindImages' && typeof path[1] === 'string') return dindImageVariable(path[1]);
  return path.map(String).join('.');
}

/** Docker's own pools start at 172.16.0.0/12; an outer subnet there would shadow inner networks. */
function overlapsDockerPools(cidr: string): boolean {
  return cidrOverlaps(parseCidr(cidr), parseCidr('172.16.0.0/12'));
}
