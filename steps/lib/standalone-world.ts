/**
 * A host that is not a started Docker host: one restored from an iptables-save dump, a
 * plain Linux router, or the host a `nettwin snapshot` recorded. What the World does when
 * a step describes one (read the file the feature names, turn the interface table into a
 * StandaloneHostSpec). Kept apart from steps/world.ts because it reads files and parses
 * someone else's text, which the per-scenario state itself never does.
 */
import { readFile } from 'node:fs/promises';
import type { DataTable } from '@cucumber/cucumber';
import type { ContainerInfo, StandaloneHostSpec } from '../../src/backends/backend.ts';
import { escapeXml } from '../../src/report/escape.ts';
import { SnapshotError } from '../../src/snapshot/errors.ts';
// Type only: the module (and zod behind it, ~0.17 s of CPU) loads when a scenario replays a snapshot.
import type { SnapshotReplay } from '../../src/snapshot/to-standalone.ts';
import { FeaturePathError, featurePath } from './feature-paths.ts';
import { type InterfaceRow, interfacesFromRows } from './standalone-host.ts';
import { StepError, type StepLocation } from './step-error.ts';

/** What these steps need of the World (steps/world.ts), structurally: no import of it. */
export interface DescribesHosts {
  readonly step: StepLocation | undefined;
  standalone: StandaloneHostSpec | undefined;
  readonly containers: Map<string, ContainerInfo>;
  fail(detail: string, cause?: unknown): never;
  value<T>(parse: () => T): T;
  log(text: string): void;
  /** Fails when the scenario already has a host (started or described): one per scenario. */
  oneHostOnly(): void;
}

/** Where to read a file the feature names: below the working or the feature's directory (feature-paths.ts). */
async function featureFile(world: DescribesHosts, file: string, what: string): Promise<string> {
  try {
    return await featurePath(file, what, {
      cwd: process.cwd(),
      featureUri: world.step?.uri,
      env: process.env,
    });
  } catch (error) {
    if (error instanceof FeaturePathError) world.fail(error.message, error);
    throw error;
  }
}

/** `Given a host restored from the iptables-save in FILE with interfaces:` */
export async function restoreHost(world: DescribesHosts, file: string, table: DataTable): Promise<void> {
  let rulesetText: string;
  try {
    rulesetText = await readFile(await featureFile(world, file, 'iptables-save dump'), 'utf8');
  } catch (cause) {
    if (cause instanceof StepError) throw cause;
    world.fail(
      `cannot read the iptables-save dump "${file}" (paths are relative to ${process.cwd()})`,
      cause,
    );
  }
  describeStandalone(world, { rulesetText, file, sysctls: { 'net.ipv4.ip_forward': '1' } }, table);
}

/**
 * `Given a host like the one in snapshot "FILE"`: the host `nettwin snapshot` recorded,
 * its running containers usable by name in traffic steps (played by namespaces on a
 * real host).
 */
export async function snapshotHost(world: DescribesHosts, file: string): Promise<void> {
  world.oneHostOnly();
  let text: string;
  try {
    text = await readFile(await featureFile(world, file, 'snapshot'), 'utf8');
  } catch (cause) {
    if (cause instanceof StepError) throw cause;
    world.fail(`cannot read the snapshot "${file}" (paths are relative to ${process.cwd()})`, cause);
  }
  const { snapshotReplay } = await import('../../src/snapshot/to-standalone.ts');
  let replay: SnapshotReplay;
  try {
    replay = snapshotReplay(text, file);
  } catch (error) {
    if (error instanceof SnapshotError) world.fail(error.message, error);
    throw error;
  }
  // The report shows a log as HTML (see report-attachments.ts): a snapshot is someone else's text.
  for (const warning of replay.warnings) world.log(escapeXml(`snapshot ${file}: ${warning}`));
  world.standalone = replay.spec;
  for (const c of replay.containers) world.containers.set(c.name, c);
}

/** `Given a Linux router with interfaces:` — no rules, forwarding on, as seed 002 sets it up. */
export function linuxRouter(world: DescribesHosts, table: DataTable): void {
  describeStandalone(world, { rulesetText: '', sysctls: { 'net.ipv4.ip_forward': '1' } }, table);
}

function describeStandalone(
  world: DescribesHosts,
  base: Pick<StandaloneHostSpec, 'rulesetText' | 'sysctls'> & { file?: string },
  table: DataTable,
): void {
  world.oneHostOnly();
  const { interfaces, neighbours } = world.value(() => interfacesFromRows(table.hashes() as InterfaceRow[]));
  world.standalone = { ...base, interfaces, neighbours, routes: [] };
}

/** `Given its default route goes via IP on "DEV"`. */
export function standaloneDefaultRoute(world: DescribesHosts, via: string, dev: string): void {
  const spec =
    world.standalone ?? world.fail('describe the host (restored dump or Linux router) before its routes');
  if (!spec.interfaces.some((i) => i.name === dev)) world.fail(`the host has no interface "${dev}"`);
  spec.routes.push({ destination: 'default', dev, via });
}
