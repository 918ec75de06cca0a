/**
 * The Docker version of an image nettwin did not build, from what its daemon says
 * (`dockerd --version`: "Docker version 29.7.2, build 1a2b3c4", Debian's
 * "Docker version 28.5.2+dfsg4, build …"), and the model's profile for it.
 */
import { getProfile, PROFILES } from '../docker/profile.ts';

export interface DockerdVersion {
  /** As the daemon prints it: "29.7.2", "28.5.2+dfsg4", "20.10.24+dfsg1". */
  engine: string;
  major: number;
  minor: number;
}

const VERSION_LINE =
  /^Docker version (\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?([-+~][0-9A-Za-z.+~-]*)?, build [0-9A-Za-z.+-]+$/m;

/** The version in `dockerd --version`'s output, or undefined when it is not one. */
export function parseDockerdVersion(output: string): DockerdVersion | undefined {
  const m = VERSION_LINE.exec(output);
  if (!m) return undefined;
  const [, major, minor, patch, suffix] = m;
  const engine = `${major}.${minor}${patch === undefined ? '' : `.${patch}`}${suffix ?? ''}`;
  return { engine, major: Number(major), minor: Number(minor) };
}

/** The profile ("28.5") of a daemon's version, or undefined when the model has none for it. */
export function profileOfDockerd(version: DockerdVersion): string | undefined {
  try {
    return getProfile(`${version.major}.${version.minor}`).version;
  } catch {
    return undefined;
  }
}

/** The profiles a real daemon could map to, for messages. */
export function knownProfiles(): string[] {
  return Object.keys(PROFILES);
}
