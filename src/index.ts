/**
 * nettwin's public API, for a team's own step definitions beside nettwin's vocabulary:
 *
 * ```ts
 * // steps/web.ts in your repository
 * import { Then } from 'nettwin';
 *
 * Then('the web network has a bridge', async function () {
 *   const network = this.knownNetwork('web'); // `this` is the NettwinWorld
 *   if (!network.bridge.startsWith('br-')) this.fail(`unexpected bridge ${network.bridge}`);
 * });
 * ```
 *
 * Given/When/Then and the hooks are cucumber's own functions (the very instance
 * `nettwin run` loads), typed so that `this` is the NettwinWorld the vocabulary uses:
 * the backend, the scenario's hosts, networks and containers, the last observation.
 * Import them from 'nettwin' for the types; `nettwin run` answers an import of
 * '@cucumber/cucumber' with this same cucumber too (src/cli/share-cucumber.ts), whichever
 * copy the project would have resolved.
 */
import {
  After as cucumberAfter,
  AfterStep as cucumberAfterStep,
  Before as cucumberBefore,
  BeforeStep as cucumberBeforeStep,
  Given as cucumberGiven,
  Then as cucumberThen,
  When as cucumberWhen,
  type ITestCaseHookParameter,
  type ITestStepHookParameter,
} from '@cucumber/cucumber';
import type { NettwinWorld } from '../steps/world.ts';

/** A step definition's body: `this` is the scenario's NettwinWorld. */
// biome-ignore lint/suspicious/noExplicitAny: cucumber passes the parsed parameters untyped
export type NettwinStepFunction<W = NettwinWorld> = (this: W, ...args: any[]) => unknown;

export interface StepOptions {
  /** Milliseconds before the step fails (default: NETTWIN_STEP_TIMEOUT_MS or 180 s). */
  timeout?: number;
  wrapperOptions?: unknown;
}

export interface DefineNettwinStep {
  <W = NettwinWorld>(pattern: string | RegExp, code: NettwinStepFunction<W>): void;
  <W = NettwinWorld>(pattern: string | RegExp, options: StepOptions, code: NettwinStepFunction<W>): void;
}

export interface HookOptions {
  name?: string;
  tags?: string;
  timeout?: number;
}

export interface DefineNettwinHook<P> {
  (code: (this: NettwinWorld, parameter: P) => unknown): void;
  (tags: string, code: (this: NettwinWorld, parameter: P) => unknown): void;
  (options: HookOptions, code: (this: NettwinWorld, parameter: P) => unknown): void;
}

export const Given: DefineNettwinStep = cucumberGiven;
export const When: DefineNettwinStep = cucumberWhen;
export const Then: DefineNettwinStep = cucumberThen;
export const Before: DefineNettwinHook<ITestCaseHookParameter> = cucumberBefore;
export const After: DefineNettwinHook<ITestCaseHookParameter> = cucumberAfter;
export const BeforeStep: DefineNettwinHook<ITestStepHookParameter> = cucumberBeforeStep;
export const AfterStep: DefineNettwinHook<ITestStepHookParameter> = cucumberAfterStep;
export {
  AfterAll,
  BeforeAll,
  DataTable,
  defineParameterType,
  type ITestCaseHookParameter,
  type ITestStepHookParameter,
  setDefaultTimeout,
} from '@cucumber/cucumber';

export type { NettwinParameters, NettwinWorld, Observation, Refusal, TrafficKind } from '../steps/world.ts';
export type { Backend } from './backends/backend.ts';
export type {
  Actor,
  BackendName,
  ContainerInfo,
  ContainerOptions,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  PingResult,
  PortMapping,
  RequestResult,
  StandaloneHostSpec,
} from './contract.ts';
export { parseRuleset, serializeRuleset } from './netfilter/ruleset/index.ts';
export type { CounterDelta, Ruleset, TableName } from './netfilter/types.ts';
