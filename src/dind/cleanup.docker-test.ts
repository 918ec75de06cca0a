/**
 * Needs Docker (npm test runs it after the features). A real run of `nettwin run
 * --backend dind`, interrupted with SIGINT while its scenario is under way, must leave
 * no container, network or volume of its session behind; one killed with SIGKILL
 * (nothing of it can clean up) is swept by the next run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { labelledResources, sweepStaleSessions } from './cleanup.ts';
import { LABEL_SESSION, processAlive } from './labels.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What of a session's is still there (the run under test has its own session id). */
const labelled = (session: string) => labelledResources((labels) => labels?.[LABEL_SESSION] === session);

async function waitFor(what: string, check: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/** `nettwin run --backend dind` on one feature, in the background, under its own session id. */
function startRun(session: string) {
  return execa(
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
}

/**
 * The run's processes: the child and everything below it (npx, tsx and the node that
 * owns the session). Found by parentage, not by command line: another npm test on the
 * same machine runs the same command, and its runs are not ours to signal.
 */
async function processTree(root: number): Promise<number[]> {
  const ps = await execa('ps', ['-eo', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of ps.stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** Sends `signal` to every process of the run at once, as a terminal's Ctrl-C does; returns them. */
async function signalRun(child: ReturnType<typeof startRun>, signal: NodeJS.Signals): Promise<number[]> {
  const pids = child.pid ? await processTree(child.pid) : [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
  return pids;
}

test('a run interrupted with SIGINT mid-scenario leaves zero labelled resources', async () => {
  const session = randomBytes(6).toString('hex');
  const child = startRun(session);
  // Its DinD host exists (a host needs no network of ours): the scenario is under way.
  await waitFor('the run to start a DinD host', async () => (await labelled(session)).length >= 1, 180);
  // What a terminal's Ctrl-C does: SIGINT to the whole foreground process group.
  await signalRun(child, 'SIGINT');
  const result = await child;
  assert.notEqual(result.exitCode, 0, 'an interrupted run must not report success');
  await waitFor(
    'the interrupted run to clean up',
    async () => (await labelled(session)).length === 0,
    60,
  ).catch(() => undefined);
  assert.deepEqual(await labelled(session), [], `resources of session ${session} outlived the run`);
});

test('a run killed with SIGKILL leaves resources that the next run sweeps', async () => {
  const session = randomBytes(6).toString('hex');
  const child = startRun(session);
  await waitFor('the run to start a DinD host', async () => (await labelled(session)).length >= 1, 180);
  const pids = await signalRun(child, 'SIGKILL');
  await child;
  // Its owner pid must be gone before a sweep may take its resources.
  await waitFor('the killed processes to be gone', async () => !pids.some(processAlive), 30);
  assert.ok((await labelled(session)).length > 0, 'a killed run cannot clean up after itself');
  await sweepStaleSessions();
  assert.deepEqual(await labelled(session), [], `resources of the killed session ${session} were not swept`);
});
