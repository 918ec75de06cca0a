/**
 * Scenario life cycle: where each step is written (for StepError), what traffic steps
 * put in the report, and disposing the backend however the scenario ended.
 */
import {
  After,
  AfterStep,
  Before,
  BeforeAll,
  BeforeStep,
  setDefaultTimeout,
  setDefinitionFunctionWrapper,
} from '@cucumber/cucumber';
import type { GherkinDocument } from '@cucumber/messages';
import debug from 'debug';
import { engineImageVersion } from '../src/backends/plumbing-engine.ts';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import { chooseBackendName } from './lib/backend-factory.ts';
import { attachMismatch, attachObservation } from './lib/report-attachments.ts';
import { StepError } from './lib/step-error.ts';
import { indexDocumentSteps, locatePickleStep } from './lib/step-location.ts';
import { runsOnDockerVersion, versionTags } from './lib/version-tags.ts';
import type { NettwinWorld } from './world.ts';

const log = debug('nettwin:hooks');

// Real hosts take seconds per step (a dropped 3-ping step ~1.4 s, a fresh daemon ~0.5 s,
// image preparation on first use much longer); the model takes milliseconds.
setDefaultTimeout(Number(process.env.NETTWIN_STEP_TIMEOUT_MS ?? 180_000));

// Any error a step throws (a backend's, an assertion's) names the step and its
// feature file:line; cucumber keeps the wrapped function's arity.
setDefinitionFunctionWrapper(
  (code: (...args: unknown[]) => unknown) =>
    async function (this: { step?: NettwinWorld['step'] } | undefined, ...args: unknown[]) {
      try {
        return await code.apply(this, args);
      } catch (error) {
        const step = this?.step;
        // Real host and model disagreeing: the evidence goes under the step (lib/report-attachments.ts).
        await attachMismatch(this, error, step);
        if (!step || !(error instanceof Error) || error instanceof StepError) throw error;
        const wrapped = new StepError(`${error.name}: ${error.message}`, step, { cause: error });
        wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${error.stack?.split('\n').slice(1).join('\n') ?? ''}`;
        throw wrapped;
      }
    },
);

const stepIndexes = new WeakMap<GherkinDocument, ReturnType<typeof indexDocumentSteps>>();

BeforeAll({ name: 'prepare images for real Docker hosts', timeout: 900_000 }, async function () {
  const backend = chooseBackendName(this.parameters.backend, process.env.NETTWIN_BACKEND);
  if (backend === 'model') return;
  // Loaded here only: the model backend never needs Docker's modules.
  const { ensureHostImages } = await import('../src/dind/foreign-image.ts');
  const { loadDindConfig } = await import('../src/dind/config.ts');
  // Real profiles skip @model-only, so the features need the default engine unless told otherwise.
  const versions = (process.env.NETTWIN_DOCKER_VERSIONS ?? DEFAULT_DOCKER_VERSION)
    .split(',')
    .map((v) => engineImageVersion(v.trim()));
  const chosen = this.parameters.dockerVersion;
  // Docker 29 runs its predicted rules on a 28.5 host (src/backends/predicted-rules.ts).
  const engine = typeof chosen === 'string' ? engineImageVersion(chosen) : undefined;
  if (engine !== undefined && !versions.includes(engine)) versions.push(engine);
  log('preparing images for backend "%s", Docker %o', backend, versions);
  // A DinD image of the user's (NETTWIN_DIND_IMAGE) is checked, not built (src/dind/foreign-image.ts).
  const config = loadDindConfig();
  for (const version of versions) await ensureHostImages(version, config);
});

// A scenario tagged for other Docker versions (@docker-before-28, @docker-28) is skipped,
// before any host starts: the run counts it as skipped, not failed (lib/version-tags.ts).
Before({ name: 'Docker version tags' }, function (this: NettwinWorld, { pickle }) {
  const version = this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION;
  const tags = pickle.tags.map((t) => t.name);
  if (!runsOnDockerVersion(tags, version)) {
    log('scenario "%s" is for %o, not Docker %s: skipped', pickle.name, versionTags(tags), version);
    return 'skipped';
  }
  // The backend itself is created lazily by the first step that needs it.
  log('scenario "%s" (%s) on backend "%s"', pickle.name, pickle.uri, this.backendName);
  return undefined;
});

BeforeStep(function (this: NettwinWorld, { gherkinDocument, pickle, pickleStep }) {
  let index = stepIndexes.get(gherkinDocument);
  if (!index) {
    index = indexDocumentSteps(gherkinDocument);
    stepIndexes.set(gherkinDocument, index);
  }
  this.step = locatePickleStep(gherkinDocument, pickle, pickleStep, index);
});

AfterStep(async function (this: NettwinWorld) {
  const observation = this.observation;
  if (observation?.unreported) {
    observation.unreported = false;
    await attachObservation(this, observation);
  }
  // Errors in the After hooks belong to no step.
  this.step = undefined;
});

// After hooks run whatever the outcome, so real hosts never outlive their scenario.
After(async function (this: NettwinWorld) {
  await this.dispose();
});
