/**
 * Before `npm test` touches a real backend: is there a Docker engine? If not, start one
 * as `.ci/run` does (scripts/engine.sh installs docker.io/iptables/debootstrap as root on
 * Debian and starts dockerd; then `npm run -s images`), or say in one line what to do.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');

export type EngineState = { ok: true; startedHere: boolean } | { ok: false; problem: string };

async function engineAnswers(): Promise<boolean> {
  const r = await execa('docker', ['info'], { reject: false, timeout: 5000, stdio: 'ignore' });
  return r.exitCode === 0;
}

/** One line: what to do when no engine answers and this run cannot start one. */
export function noEngineLine(reason: string): string {
  return (
    `npm test needs a Docker engine (${reason}): start one (as root on Debian, \`scripts/engine.sh\` installs and starts it), ` +
    'or run the model only: NETTWIN_BACKEND=model npm test'
  );
}

export async function ensureEngine(): Promise<EngineState> {
  if (await engineAnswers()) return { ok: true, startedHere: false };
  const root = process.getuid?.() === 0;
  if (!root) return { ok: false, problem: noEngineLine('none answers, and starting dockerd needs root') };
  if (!existsSync('/usr/bin/apt-get') && !existsSync('/usr/bin/dockerd')) {
    return { ok: false, problem: noEngineLine('none answers, and this is not a Debian machine') };
  }
  const started = await execa('bash', [path.join(ROOT, 'scripts/engine.sh')], {
    cwd: ROOT,
    reject: false,
    stdio: 'inherit',
  });
  if (started.exitCode !== 0)
    return { ok: false, problem: noEngineLine('scripts/engine.sh could not start one') };
  const images = await execa('npm', ['run', '-s', 'images'], { cwd: ROOT, reject: false, stdio: 'inherit' });
  if (images.exitCode !== 0) {
    return {
      ok: false,
      problem: 'npm test: the engine started, but `npm run images` failed (see above); fix it and rerun',
    };
  }
  return { ok: true, startedHere: true };
}

/** Stop the dockerd that ensureEngine started (engine.sh knows which one). */
export async function stopEngine(): Promise<void> {
  await execa('bash', [path.join(ROOT, 'scripts/engine.sh'), 'stop'], { cwd: ROOT, reject: false });
}
