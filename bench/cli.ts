/**
 * Start-up of the installed command line: `nettwin --version` and `--help` from the
 * compiled JavaScript (as `npm pack` ships it), whole process, median of 10 runs after a
 * warm-up, beside a bare `node -e 0`. Target: well under 500 ms (heavy modules —
 * cucumber, testcontainers, dockerode — load only in the command that runs them).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchRow } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 10;

function medianMs(argv: string[]): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, {
      stdio: 'ignore',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited with ${result.status}`);
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export async function benchCli(): Promise<BenchRow[]> {
  const stage = mkdtempSync(path.join(tmpdir(), 'nettwin-bench-cli-'));
  try {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(stage, 'dist'), '--noCheck'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
    copyFileSync(path.join(ROOT, 'package.json'), path.join(stage, 'package.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const main = path.join(stage, 'dist', 'src', 'cli', 'main.js');
    const node = medianMs(['-e', '0']);
    const version = medianMs([main, '--version']);
    const help = medianMs([main, '--help']);
    return [
      { name: 'node -e 0 (floor)', value: node, unit: 'ms', note: `median of ${RUNS}` },
      { name: 'nettwin --version (compiled)', value: version, unit: 'ms', note: 'target < 500 ms' },
      { name: 'nettwin --help (compiled)', value: help, unit: 'ms', note: 'target < 500 ms' },
    ];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
