/**
 * `npm run bench`: every speed and memory target of the project, measured side by
 * side in one run and printed as a table. Targets live here, never in timed tests.
 *
 * Sections: the netfilter twin, the Docker model at scale and the command line's start-up
 * (always), and real DinD hosts (only when a Docker engine answers; `--no-dind` skips them
 * on purpose).
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

interface Section {
  title: string;
  load: () => Promise<() => Promise<BenchRow[]>>;
}

const sections: Section[] = [
  {
    title: 'netfilter twin',
    load: async () => (await import('./netfilter.ts')).benchNetfilter,
  },
  {
    title: 'Docker model at scale',
    load: async () => (await import('./docker-scale.ts')).benchDockerScale,
  },
  {
    title: 'reachability matrix',
    load: async () => (await import('./matrix.ts')).benchMatrix,
  },
  {
    title: 'command line',
    load: async () => (await import('./cli.ts')).benchCli,
  },
  {
    title: 'DinD hosts',
    load: async () => (await import('./dind.ts')).benchDind,
  },
];

function formatValue(row: BenchRow): string {
  const digits = row.value >= 100 ? 0 : row.value >= 10 ? 1 : 3;
  return `${row.value.toFixed(digits)} ${row.unit}`;
}

function printTable(title: string, rows: BenchRow[]): void {
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 10);
  const valueWidth = Math.max(...rows.map((r) => formatValue(r).length), 8);
  console.log(`\n## ${title}`);
  for (const row of rows) {
    const note = row.note ? `  ${row.note}` : '';
    console.log(`${row.name.padEnd(nameWidth)}  ${formatValue(row).padStart(valueWidth)}${note}`);
  }
}

async function main(): Promise<void> {
  const skipDind = process.argv.includes('--no-dind');
  let failed = false;
  for (const section of sections) {
    if (skipDind && section.title === 'DinD hosts') {
      console.log(`\n## ${section.title}\nskipped (--no-dind)`);
      continue;
    }
    try {
      const run = await section.load();
      printTable(section.title, await run());
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      console.error(`\n## ${section.title}\nfailed: ${message}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
