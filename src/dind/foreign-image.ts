/**
 * DinD images nettwin did not build (NETTWIN_DIND_IMAGE=docker:29-dind, or a version's
 * NETTWIN_DIND_IMAGE_28_5 naming one): such an image has Docker but none of nettwin's
 * scripts. A host from it gets docker/common's scripts copied in at start and runs
 * nettwin's entrypoint instead of its own (dind-container.ts). Before the first host, one
 * throwaway container checks the image (foreign-preflight.ts) and asks its daemon for its
 * version, which decides the model profile it serves: the scenario's Docker version
 * (a @docker-X tag, --docker-version) selects it.
 */
import { join } from 'node:path';
import createDebug from 'debug';
import { execa } from 'execa';
import type { HostFirewall } from '../contract.ts';
import { getProfile } from '../docker/profile.ts';
import { type DindConfig, dindImageVariable } from './config.ts';
import { requireDocker } from './docker-client.ts';
import { knownProfiles, parseDockerdVersion, profileOfDockerd } from './dockerd-version.ts';
import {
  describeMissing,
  missingFor,
  type PreflightReport,
  parsePreflight,
  preflightScript,
} from './foreign-preflight.ts';
import { parseImageReference } from './image-reference.ts';
import { imageExists } from './images/build-image.ts';
import { ensureImages } from './images/ensure-images.ts';
import { DOCKER_DIR } from './images/recipes.ts';
import { labelArgs, sessionLabels } from './labels.ts';

const log = createDebug('nettwin:dind');

/** An image that cannot serve as a DinD host; says which setting named it and what to do. */
export class DindImageError extends Error {
  constructor(
    readonly variable: string,
    readonly image: string,
    message: string,
  ) {
    super(message);
    this.name = 'DindImageError';
  }
}

/** A checked foreign image: the Docker it runs and the model profile that serves it. */
export interface ForeignImage {
  image: string;
  /** The setting that named it, for messages. */
  variable: string;
  /** As its dockerd prints it: "29.7.2", "28.5.2+dfsg4". */
  engine: string;
  /** The model's profile: "29.7", "28.5". */
  profile: string;
  report: PreflightReport;
}

/** Where the image recipes install docker/common's scripts (docker/common/dind.sh); the scripts call each other there. */
export const COMMON_SCRIPTS: Readonly<Record<string, string>> = {
  'dind-entrypoint.sh': '/usr/local/bin/nettwin-entrypoint',
  'outside-world.sh': '/usr/local/bin/nettwin-outside-world',
  'reset.sh': '/usr/local/bin/nettwin-reset',
  'host-firewall.sh': '/usr/local/bin/nettwin-host-firewall',
};

export const FOREIGN_ENTRYPOINT = ['/usr/local/bin/nettwin-entrypoint'];

/** A file as testcontainers' withCopyFilesToContainer takes it. */
export interface FileToCopy {
  source: string;
  target: string;
  mode: number;
}

/** docker/common's scripts as testcontainers copies them into a created container. */
export function commonScriptFiles(dockerDir = DOCKER_DIR): FileToCopy[] {
  return Object.entries(COMMON_SCRIPTS).map(([file, target]) => ({
    source: join(dockerDir, 'common', file),
    target,
    mode: 0o755,
  }));
}

/** Images built from nettwin's recipes (nettwin/dind-<version>:<hash>) carry the scripts already. */
export function isRecipeImage(image: string): boolean {
  return parseImageReference(image)?.name.startsWith('nettwin/dind-') ?? false;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() || 'no output';
}

const probes = new Map<string, Promise<ForeignImage>>();

/** The image, checked once per process: present (or pulled), complete, of a known version. */
export function probeForeignImage(image: string, variable: string): Promise<ForeignImage> {
  let probe = probes.get(image);
  if (!probe) {
    probe = probe_(image, variable);
    probes.set(image, probe);
    // A failed check is not kept: the user may load the image and ask again.
    probe.catch(() => probes.delete(image));
  }
  return probe;
}

async function probe_(image: string, variable: string): Promise<ForeignImage> {
  const named = `${variable}=${image}`;
  if (!parseImageReference(image)) {
    throw new DindImageError(
      variable,
      image,
      `${named} is not a Docker image reference (e.g. docker:29-dind)`,
    );
  }
  await requireDocker();
  if (!(await imageExists(image))) {
    log('Pulling image "%s" (%s)...', image, variable);
    const pull = await execa('docker', ['pull', image], { reject: false, timeout: 600_000 });
    if (pull.exitCode !== 0) {
      throw new DindImageError(
        variable,
        image,
        `${named}: no such image on this machine, and \`docker pull\` failed (${lastLine(pull.stderr)}). ` +
          `Pull or load it first (docker pull ${image}, or docker load -i <file> where no registry is reachable), or unset ${variable}.`,
      );
    }
  }
  log('Checking image "%s" (%s)...', image, variable);
  const args = ['run', '--rm', '--network', 'none', ...labelArgs(sessionLabels('image-check'))];
  const run = await execa('docker', [...args, '--entrypoint', '/bin/sh', image, '-c', preflightScript()], {
    reject: false,
    timeout: 120_000,
  });
  const report = parsePreflight(run.stdout);
  if (report.present.length + report.missing.length === 0) {
    throw new DindImageError(
      variable,
      image,
      `${named}: /bin/sh did not run in it (${lastLine(run.stderr)}); nettwin's scripts need a POSIX sh at /bin/sh.`,
    );
  }
  const missing = missingFor(report);
  if (missing.length > 0) {
    throw new DindImageError(
      variable,
      image,
      `${named} lacks what nettwin runs on a DinD host:\n${describeMissing(missing)}\n` +
        `Add these to the image (the README's "Your own DinD image" lists them), or unset ${variable}.`,
    );
  }
  const version = parseDockerdVersion(report.dockerdVersion);
  if (!version) {
    throw new DindImageError(
      variable,
      image,
      `${named}: \`dockerd --version\` said "${report.dockerdVersion}", not a Docker version; is its dockerd Docker's?`,
    );
  }
  const profile = profileOfDockerd(version);
  if (!profile) {
    throw new DindImageError(
      variable,
      image,
      `${named} runs Docker ${version.engine}, which the model has no profile for (it has ${knownProfiles().join(', ')}). ` +
        `Name an image of one of those versions, or unset ${variable}.`,
    );
  }
  log('Image "%s" runs Docker %s (profile %s)', image, version.engine, profile);
  return { image, variable, engine: version.engine, profile, report };
}

export interface HostImage {
  image: string;
  /** Set for an image nettwin did not build: the host gets the scripts at start. */
  foreign?: ForeignImage;
}

/**
 * The image a host of `dockerVersion` starts from: NETTWIN_DIND_IMAGE when its daemon is
 * of that version, else the version's own image; an image that is not nettwin's is
 * checked first and must run that version.
 */
export async function hostImage(
  config: DindConfig,
  dockerVersion: string,
  explicit?: string,
  probe: typeof probeForeignImage = probeForeignImage,
): Promise<HostImage> {
  const profile = getProfile(dockerVersion).version;
  if (!explicit && config.foreignImage) {
    const foreign = await probe(config.foreignImage, 'NETTWIN_DIND_IMAGE');
    if (foreign.profile === profile) return { image: foreign.image, foreign };
    log('NETTWIN_DIND_IMAGE runs Docker %s: Docker %s hosts keep their own image', foreign.engine, profile);
  }
  const image = explicit ?? config.dindImages[dockerVersion] ?? config.dindImages[profile];
  if (!image) {
    throw new DindImageError(
      'NETTWIN_DIND_IMAGE',
      '',
      `No DinD image runs Docker ${dockerVersion}: nettwin builds images of ${Object.keys(config.dindImages).join(', ')}` +
        (config.foreignImage ? ` and NETTWIN_DIND_IMAGE=${config.foreignImage} runs another version` : '') +
        `. Set NETTWIN_DIND_IMAGE to a DinD image of Docker ${profile} (e.g. docker:${profile.split('.')[0]}-dind).`,
    );
  }
  if (isRecipeImage(image)) return { image };
  const variable = explicit ? 'the image option' : dindImageVariable(dockerVersion);
  const foreign = await probe(image, variable);
  if (foreign.profile !== profile) {
    throw new DindImageError(
      variable,
      image,
      `${variable}=${image} runs Docker ${foreign.engine}, not ${profile}: name an image of Docker ${profile} ` +
        `there, or set NETTWIN_DIND_IMAGE=${image}, which serves the version its daemon runs.`,
    );
  }
  return { image, foreign };
}

/** What a host of `dockerVersion` needs before it starts: its image checked (or built), and the workload image. */
export async function ensureHostImages(dockerVersion: string, config: DindConfig): Promise<void> {
  const { foreign } = await hostImage(config, dockerVersion);
  // A foreign image needs no recipe build: only the workload image, loaded into each host.
  await ensureImages(foreign ? [] : [dockerVersion], config);
}

/** Throws when a foreign image lacks what the host firewall asked for needs. */
export function checkHostFirewall(foreign: ForeignImage, hostFirewall: HostFirewall | undefined): void {
  if (!hostFirewall) return;
  const missing = missingFor(foreign.report, hostFirewall).filter((t) => t.hostFirewall);
  if (missing.length > 0) {
    throw new DindImageError(
      foreign.variable,
      foreign.image,
      `${foreign.variable}=${foreign.image} cannot run a host with ${hostFirewall}; it lacks:\n${describeMissing(missing)}`,
    );
  }
}
