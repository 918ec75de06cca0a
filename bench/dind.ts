/**
 * Real DinD hosts, measured side by side in one run: what a scenario pays for a fresh
 * host, a reset, the workload image, a ping step and a published-port request, and the
 * whole seed suite with and without host reuse.
 */
import path from 'node:path';
import { execa } from 'execa';
import { createDindBackend } from '../src/backends/dind.ts';
import { loadDindConfig } from '../src/dind/config.ts';
import { DindSession } from '../src/dind/session.ts';
import type { BenchRow } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

async function suite(reuse: boolean): Promise<number> {
  const [took, result] = await seconds(() =>
    execa('npx', ['tsx', 'src/cli/main.ts', 'run', '--backend', 'dind'], {
      cwd: ROOT,
      env: { NETTWIN_REUSE_HOSTS: reuse ? '1' : '0' },
      reject: false,
    }),
  );
  if (result.exitCode !== 0)
    throw new Error(`the seed suite failed on dind (reuse ${reuse}):\n${result.stdout.slice(-2000)}`);
  return took;
}

export async function benchDind(): Promise<BenchRow[]> {
  const session = new DindSession(loadDindConfig({ reuseHosts: true }));
  try {
    const backend = createDindBackend({ session });
    const [fresh] = await seconds(() => backend.startHost({ dockerVersion: '20.10', daemonOptions: [] }));
    const host = backend.dindHost();
    const [workload] = await seconds(() => host.ensureImage(session.config.workloadImage));
    await backend.runContainer({ name: 'bench-a' });
    await backend.runContainer({ name: 'bench-b' });
    const [ping] = await seconds(async () => {
      await backend.zeroCounters();
      await backend.ping({ kind: 'container', name: 'bench-a' }, 'bench-b', 3);
      return backend.readCounters();
    });
    await backend.runContainer({
      name: 'bench-web',
      publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      httpBody: 'hello',
    });
    const [request] = await seconds(async () => {
      await backend.zeroCounters();
      await backend.httpGet({ kind: 'external' }, `http://${host.address}:8080/`);
      return backend.readCounters();
    });
    const [reset] = await seconds(() => host.reset());
    await backend.dispose();
    // The suites run in child processes whose features name 192.168.70.6: this session
    // must give the outer network (and its subnet) back first.
    await session.dispose();
    const [withReuse, withoutReuse] = [await suite(true), await suite(false)];
    return [
      { name: 'fresh DinD 20.10 host start', value: fresh, unit: 's' },
      {
        name: 'host reset (containers, networks, ruleset)',
        value: reset,
        unit: 's',
        note: `${(fresh / reset).toFixed(1)}× cheaper than a fresh host`,
      },
      { name: 'workload image into the inner daemon', value: workload, unit: 's' },
      { name: 'ping step (zero, 3 pings, read counters)', value: ping, unit: 's' },
      { name: 'published-port request (zero, GET, read counters)', value: request, unit: 's' },
      { name: 'seed suite on dind, hosts reused', value: withReuse, unit: 's' },
      {
        name: 'seed suite on dind, a fresh host per scenario',
        value: withoutReuse,
        unit: 's',
        note: `reuse is ${(withoutReuse / withReuse).toFixed(2)}× faster`,
      },
    ];
  } finally {
    await session.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  for (const row of await benchDind())
    console.log(`${row.name}: ${row.value.toFixed(3)} ${row.unit} ${row.note ?? ''}`);
}
