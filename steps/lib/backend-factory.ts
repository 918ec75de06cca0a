/**
 * Creates the backend a scenario runs on. Backends are imported lazily so that the
 * steps load (and the model backend runs) even while another backend's module is
 * missing or broken; asking for that backend is then a clear error.
 */
import type { Backend, BackendName } from '../../src/backends/backend.ts';

export const BACKEND_NAMES: readonly BackendName[] = ['model', 'dind', 'twin'];

// Each import written out, so that the compiled package's bundler sees (and keeps) them.
const MODULES: Record<BackendName, { file: string; load: () => Promise<unknown>; factory: string }> = {
  model: {
    file: 'src/backends/model.ts',
    load: () => import('../../src/backends/model.ts'),
    factory: 'createModelBackend',
  },
  dind: {
    file: 'src/backends/dind.ts',
    load: () => import('../../src/backends/dind.ts'),
    factory: 'createDindBackend',
  },
  twin: {
    file: 'src/backends/twin.ts',
    load: () => import('../../src/backends/twin.ts'),
    factory: 'createTwinBackend',
  },
};

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** The backend name from NETTWIN_BACKEND, else the world parameter, else "model". */
export function chooseBackendName(parameter: unknown, env: string | undefined): BackendName {
  const raw = env?.trim() || (typeof parameter === 'string' ? parameter : undefined) || 'model';
  if (!(BACKEND_NAMES as readonly string[]).includes(raw)) {
    const source = env?.trim() ? 'NETTWIN_BACKEND' : 'world parameter "backend"';
    throw new BackendUnavailableError(`${source} is "${raw}"; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  return raw as BackendName;
}

export async function createBackend(name: BackendName): Promise<Backend> {
  const { file, load, factory } = MODULES[name];
  let module: Record<string, unknown>;
  try {
    module = (await load()) as Record<string, unknown>;
  } catch (cause) {
    const missing = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    throw new BackendUnavailableError(
      missing
        ? `the ${name} backend is not built yet: ${file} does not exist (choose another with --backend or NETTWIN_BACKEND)`
        : `the ${name} backend failed to load from ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const create = module[factory];
  if (typeof create !== 'function') {
    throw new BackendUnavailableError(
      `${file} does not export ${factory}(); the steps create the ${name} backend through it`,
    );
  }
  return (await create()) as Backend;
}
