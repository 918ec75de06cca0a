/**
 * Compose files as scenarios: `Given the services of compose file "shop/compose.yaml"`
 * creates what `docker compose up -d` creates: src/compose reads the file into a plan;
 * a real host with compose v2 (dind, twin) runs the file itself (dind-compose.ts), the
 * model (and a 20.10 host) carries the plan out through Backend calls. The step records
 * the names steps may use — a service (its first replica), `web-2`, the Docker name; a
 * network's compose key or its Docker name. src/compose (and the `yaml` parser behind it)
 * is imported by the step, not with the vocabulary: most runs have no compose file.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Given } from '@cucumber/cucumber';
import { isComposeHostBackend } from '../src/backends/compose-host.ts';
import type { ComposePlan } from '../src/compose/index.ts';
import { FeaturePathError, featurePath } from './lib/feature-paths.ts';
import { StepError } from './lib/step-error.ts';
import type { NettwinWorld } from './world.ts';

/** Beside the feature file first, then in the working directory (features travel with their fixtures). */
async function composeFilePath(world: NettwinWorld, file: string): Promise<string> {
  const uri = world.step?.uri;
  const candidates = [
    ...(uri && !path.isAbsolute(file) ? [path.resolve(path.dirname(path.resolve(uri)), file)] : []),
    path.resolve(file),
  ];
  let chosen = candidates[candidates.length - 1] as string;
  for (const candidate of candidates) {
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    ) {
      chosen = candidate;
      break;
    }
  }
  try {
    return await featurePath(chosen, 'compose file', {
      cwd: process.cwd(),
      featureUri: uri,
      env: process.env,
    });
  } catch (error) {
    if (error instanceof FeaturePathError) world.fail(error.message, error);
    throw error;
  }
}

async function composePlan(
  world: NettwinWorld,
  file: string,
  projectName: string | null,
): Promise<ComposePlan> {
  const resolved = await composeFilePath(world, file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    world.fail(
      `cannot read the compose file "${file}" (${code}); looked beside the feature file, then in ${process.cwd()}`,
      cause,
    );
  }
  const { ComposeError, composeDirectoryName, readCompose } = await import('../src/compose/index.ts');
  try {
    return readCompose(text, {
      file,
      directoryName: composeDirectoryName(resolved),
      ...(projectName !== null ? { projectName } : {}),
    });
  } catch (error) {
    if (error instanceof ComposeError) world.fail(error.message, error);
    throw error;
  }
}

/** Carry out the plan (src/compose/up.ts) and record the names steps may use. */
async function up(world: NettwinWorld, plan: ComposePlan): Promise<void> {
  const backend = await world.host();
  for (const network of plan.networks) {
    if (network.external && !world.networks.has(network.name))
      world.fail(
        `compose network "${network.key}" is external: create "${network.name}" first (Given a bridge network "${network.name}")`,
      );
  }
  for (const step of plan.steps) {
    if (step.kind === 'network' && world.networks.has(step.network.name))
      world.fail(`network "${step.network.name}" already exists in this scenario`);
    if (step.kind === 'container' && world.containers.has(step.container.options.name))
      world.fail(`container "${step.container.options.name}" already exists in this scenario`);
  }
  // dind and twin hosts with compose v2 run the file with `docker compose`; the rest
  // (the model, a 20.10 host) carry the plan out through Backend calls.
  const { composeUp } = await import('../src/compose/up.ts');
  const result = isComposeHostBackend(backend)
    ? await backend.composeUp(plan)
    : await composeUp(backend, plan);
  for (const info of result.networks) world.networks.set(info.name, info);
  for (const { info } of result.containers) world.containers.set(info.name, info);
  for (const n of plan.networks) alias(world.names.networks, n.key, n.name);
  for (const c of plan.containers) {
    alias(world.names.containers, `${c.service}-${c.replica}`, c.options.name);
    if (c.replica === 1) alias(world.names.containers, c.service, c.options.name);
  }
}

/**
 * A short name for a Docker name. Two compose files in one scenario may both have a
 * service "web": then "web" names neither (steps use the Docker names), rather than
 * silently the last one.
 */
function alias(names: Map<string, string | null>, short: string, docker: string): void {
  if (short === docker) return;
  const known = names.get(short);
  names.set(short, known === undefined || known === docker ? docker : null);
}

Given(
  /^the services of compose file "([^"]+)"(?: with project name "([^"]*)")?$/,
  async function (this: NettwinWorld, file: string, projectName: string | null) {
    const plan = await composePlan(this, file, projectName);
    try {
      await up(this, plan);
    } catch (error) {
      if (error instanceof StepError || (error as Error).name === 'TwinMismatchError') throw error;
      this.fail(`${plan.file}: docker compose up would fail here: ${(error as Error).message}`, error);
    }
  },
);
