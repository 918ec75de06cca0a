/**
 * Imported by the shims of typescript-steps.ts: requires a CommonJS TypeScript file
 * through tsx's require hook (registered once per process, in this thread), with
 * `require('nettwin')` answered by the API already loaded (support-code.ts).
 */
import { createRequire } from 'node:module';
import { shareApiWithRequire } from './support-code.ts';

let registered: Promise<void> | undefined;

async function registerRequireHook(): Promise<void> {
  await shareApiWithRequire();
  const api = (await import('tsx/cjs/api')) as { register: () => unknown };
  api.register();
}

export async function requireTypeScript(file: string): Promise<void> {
  registered ??= registerRequireHook();
  await registered;
  createRequire(file)(file);
}
