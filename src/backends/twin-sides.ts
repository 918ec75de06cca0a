/**
 * The twin's two sides acting together: the real side (the dind backend, loaded on first
 * use), both run at once, and what it means when one or both fail.
 */
import { isModelRefusal, refusalWords } from '../compare/refusal.ts';
import type { Actor, Backend } from './backend.ts';
import { TwinMismatchError } from './twin-mismatch.ts';

export async function defaultReal(): Promise<Backend> {
  // Loaded lazily: the dind backend pulls in testcontainers. Its subclass is the dind
  // backend for real engines, and runs Docker 29's predicted rules on a 28.5 host's kernel.
  const module = (await import('./dind-predicted-rules.ts')) as {
    createPredictedRulesDind?: () => Backend | Promise<Backend>;
  };
  if (typeof module.createPredictedRulesDind !== 'function') {
    throw new Error(
      'src/backends/dind-predicted-rules.ts does not export createPredictedRulesDind(); the twin needs it for the real side',
    );
  }
  return module.createPredictedRulesDind();
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** Both sides' results; one failing alone is a mismatch, both failing rethrows the real error. */
export async function bothSides<R, M>(
  action: string,
  real: Promise<R>,
  model: Promise<M>,
): Promise<{ real: R; model: M }> {
  const [r, m] = await Promise.all([settle(real), settle(model)]);
  if (!r.ok && !m.ok) {
    // Both refused: with the same words (ids aside), or the model does not know Docker's.
    const words = { real: refusalWords(r.error), model: refusalWords(m.error) };
    if (isModelRefusal(m.error) && words.real !== words.model) {
      throw new TwinMismatchError({
        action,
        other: [`refusal: real "${words.real}", model "${words.model}"`],
      });
    }
    throw r.error;
  }
  if (!r.ok)
    throw new TwinMismatchError({
      action,
      other: [`outcome: the real host failed (${r.error.message}); the model went ahead`],
    });
  if (!m.ok)
    throw new TwinMismatchError({
      action,
      other: [`outcome: the model failed (${m.error.message}); the real host went ahead`],
    });
  return { real: r.value, model: m.value };
}

export function describeActor(a: Actor): string {
  return a.kind === 'container'
    ? `container "${a.name}"`
    : a.kind === 'host'
      ? 'the Docker host'
      : a.kind === 'neighbour'
        ? 'the neighbour'
        : 'the outer client';
}
