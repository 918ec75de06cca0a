/**
 * Real DinD hosts, measured side by side in one run: what a scenario pays for a fresh
 * host, a reset, a ping step and a published-port request (median of several), the
 * same work done by hand with the docker CLI (bench/baseline.sh) for comparison, and
 * the seed suite on the twin backend serial and with --parallel 3.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { createDindBackend } from '../src/backends/dind.ts';
import { loadDindConfig } from '../src/dind/config.ts';
import { DindSession } from '../src/dind/session.ts';
import type { BenchRow } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const REPEAT = 3;

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function medianOf(work: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    await before?.();
    times.push((await seconds(work))[0]);
  }
  return median(times);
}

/**
 * CPU seconds the whole machine has spent busy so far (/proc/stat, every process: the
 * DinD hosts' dockerd, containerd, runc and iptables count, and they are most of it).
 */
function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The seed suite (features/) on twin; throws when it fails, a bench of a failing suite means nothing. */
async function suite(parallel: number): Promise<number> {
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'run',
    '--backend',
    'twin',
    '--reports',
    `reports/bench-${parallel}`,
  ];
  if (parallel > 1) args.push('--parallel', String(parallel));
  const [took, result] = await seconds(() => execa('node', args, { cwd: ROOT, reject: false, all: true }));
  if (result.exitCode !== 0)
    throw new Error(
      `the seed suite failed on twin (--parallel ${parallel}):\n${(result.all ?? '').slice(-2000)}`,
    );
  return took;
}

async function baseline(config: ReturnType<typeof loadDindConfig>): Promise<Record<string, number>> {
  const r = await execa('bash', [
    path.join(ROOT, 'bench/baseline.sh'),
    config.dindImages['20.10'] as string,
    config.workloadImage,
  ]);
  return Object.fromEntries(
    r.stdout
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k, Number(v)]),
  );
}

export async function benchDind(): Promise<BenchRow[]> {
  const config = loadDindConfig({ reuseHosts: true });
  const session = new DindSession(config);
  let byHand: Record<string, number>;
  const rows: BenchRow[] = [];
  try {
    const backend = createDindBackend({ session });
    // The first start also sweeps leftovers and checks images: measured apart.
    const [first] = await seconds(() => backend.startHost({ dockerVersion: '20.10', daemonOptions: [] }));
    const fresh = await medianOf(async () =>
      session.release(await session.startHost({ dockerVersion: '20.10' }), { reusable: false }),
    );
    let host = backend.dindHost();
    const scenario = async () => {
      await backend.createNetwork({ name: 'bench-net' });
      await backend.runContainer({ name: 'bench-a' });
      await backend.runContainer({ name: 'bench-b', network: 'bench-net' });
    };
    const reset = await medianOf(() => host.reset(), scenario);
    // What a scenario waits for between scenarios: the backend releases its host (its
    // reset starts) and asks for one again, as the After and Before hooks do. The first
    // rounds start the spare host; the median is of the rounds after.
    const waits: number[] = [];
    for (let round = 0; round < REPEAT + 2; round++) {
      await scenario();
      await backend.ping({ kind: 'host' }, 'bench-a', 3);
      await backend.dispose();
      const [took] = await seconds(() => backend.startHost({ dockerVersion: '20.10', daemonOptions: [] }));
      if (round >= 2) waits.push(took);
    }
    const between = median(waits);
    host = backend.dindHost();
    await backend.runContainer({ name: 'bench-a' });
    await backend.runContainer({ name: 'bench-b' });
    const ping = await medianOf(async () => {
      await backend.zeroCounters();
      await backend.ping({ kind: 'container', name: 'bench-a' }, 'bench-b', 3);
      return backend.readCounters();
    });
    await backend.runContainer({
      name: 'bench-web',
      publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      httpBody: 'hello',
    });
    const request = await medianOf(async () => {
      await backend.zeroCounters();
      await backend.httpGet({ kind: 'external' }, `http://${host.address}:8080/`);
      return backend.readCounters();
    });
    await backend.dispose();
    await session.dispose();
    byHand = await baseline(config);
    const vs = (ours: number, theirs: number | undefined) =>
      theirs ? `by hand ${theirs.toFixed(3)} s: ${(ours / theirs).toFixed(2)}×` : '';
    rows.push(
      { name: 'first host of a run (sweep, image check, start)', value: first, unit: 's' },
      {
        name: 'fresh DinD 20.10 host start (target <= 1.5 s)',
        value: fresh,
        unit: 's',
        note: vs(fresh, byHand.fresh),
      },
      {
        name: 'host reset inside the host (daemon restart included)',
        value: reset,
        unit: 's',
        note: `${(fresh / reset).toFixed(1)}× cheaper than a fresh host`,
      },
      {
        name: 'wait for a reset host between scenarios (target <= 0.3 s)',
        value: between,
        unit: 's',
        note: 'the reset overlaps the previous scenario on a spare host',
      },
      {
        name: 'ping step: zero, 3 pings, read counters (target <= 0.6 s)',
        value: ping,
        unit: 's',
        note: vs(ping, byHand.ping),
      },
      {
        name: 'request step: zero, GET, read counters (target <= 0.5 s)',
        value: request,
        unit: 's',
        note: vs(request, byHand.request),
      },
    );
    const busyBefore = machineBusySeconds();
    const serial = await suite(1);
    const busy = machineBusySeconds() - busyBefore;
    const parallel = await suite(3);
    const cores = availableParallelism();
    rows.push(
      { name: 'seed suite on twin, serial', value: serial, unit: 's' },
      {
        // No schedule on this machine finishes before busy / cores: the floor for the ratio.
        name: `seed suite on twin, serial: machine CPU time (${cores} cores)`,
        value: busy,
        unit: 's',
        note: `${(busy / serial).toFixed(2)} cores busy; floor for any --parallel here ${(busy / cores / serial).toFixed(2)}× serial`,
      },
      {
        name: 'seed suite on twin, --parallel 3 (target <= 0.35× serial)',
        value: parallel,
        unit: 's',
        note: `${(parallel / serial).toFixed(2)}× serial`,
      },
    );
    return rows;
  } finally {
    await session.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  for (const row of await benchDind())
    console.log(`${row.name}: ${row.value.toFixed(3)} ${row.unit} ${row.note ?? ''}`);
}
