/**
 * Needs Docker (npm test runs it after the features). A real run of `nettwin run
 * --backend dind`, interrupted with SIGINT while its scenario is under way, must leave
 * no container, network or volume of its session behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { LABEL_SESSION } from './labels.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function labelled(session: string): Promise<string[]> {
  const filter = `label=${LABEL_SESSION}=${session}`;
  const lists = await Promise.all([
    execa('docker', ['ps', '-aq', '--filter', filter]),
    execa('docker', ['network', 'ls', '-q', '--filter', filter]),
    execa('docker', ['volume', 'ls', '-q', '--filter', filter]),
  ]);
  return lists.flatMap((r, i) =>
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((id) => `${['container', 'network', 'volume'][i]} ${id}`),
  );
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

test('a run interrupted with SIGINT mid-scenario leaves zero labelled resources', async () => {
  const session = `sigint-${randomBytes(4).toString('hex')}`;
  const child = execa(
    'npx',
    ['tsx', 'src/cli/main.ts', 'run', '--backend', 'dind', 'features/custom-bridge.feature'],
    {
      cwd: ROOT,
      env: { NETTWIN_SESSION_ID: session, NETTWIN_BACKEND: 'dind' },
      reject: false,
      // npx → tsx → node: the signal must reach the node process that owns the session.
      cleanup: true,
    },
  );
  // A DinD host and the outer network exist: the scenario is under way.
  await waitFor('the run to start a DinD host', async () => (await labelled(session)).length >= 2, 180);
  // What a terminal's Ctrl-C does: SIGINT to the whole foreground process group.
  const tsxNode = await execa('pgrep', ['-f', '-n', 'src/cli/main.ts run --backend dind'], { reject: false });
  for (const pid of tsxNode.stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGINT');
  child.kill('SIGINT');
  const result = await child;
  assert.notEqual(result.exitCode, 0, 'an interrupted run must not report success');
  await waitFor(
    'the interrupted run to clean up',
    async () => (await labelled(session)).length === 0,
    60,
  ).catch(() => undefined);
  assert.deepEqual(await labelled(session), [], `resources of session ${session} outlived the run`);
});
