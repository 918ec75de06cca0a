/**
 * The Docker model at scale (`nettwin ruleset --script`): a script of 10,000 containers
 * and a container publishing a 30,000-port range, each timed end to end (parse the
 * script, run it through the model, print the ruleset). Goal: linear, under 5 s each;
 * the 1,000-container and 3,000-port rows show the growth (10x input, ~10x time).
 * Standalone: `npx tsx bench/docker-scale.ts`.
 */
import { pathToFileURL } from 'node:url';
import { runDockerScript } from '../src/docker/script.ts';
import { serializeRuleset } from '../src/netfilter/ruleset/index.ts';
import type { BenchRow } from './main.ts';

const VERSION = '28.5';

function containers(n: number): string {
  const lines = ['docker network create --subnet 10.8.0.0/16 big'];
  for (let i = 1; i <= n; i++)
    lines.push(`docker run -d --name c${i} --network big -p ${10000 + i}:80 nginx`);
  return `${lines.join('\n')}\n`;
}

const portRange = (n: number) => `docker run -d --name web -p 1-${n}:1-${n} nginx\n`;

/**
 * Seconds for one run (wall clock and this process's CPU: on a shared machine the CPU
 * time is the one to compare), and the number of rules it left.
 */
function timeScript(text: string): { seconds: number; cpu: number; rules: number } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const model = runDockerScript(text, { version: VERSION, file: 'bench.docker' });
  const dump = serializeRuleset(model.ruleset(), { counters: true });
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / 1e6;
  return { seconds, cpu, rules: dump.split('\n').filter((l) => l.includes('-A ')).length };
}

export async function benchDockerScale(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cases: Array<{ name: string; text: string; goal?: number }> = [
    { name: 'script: 1,000 containers, one port each', text: containers(1000) },
    { name: 'script: 10,000 containers, one port each', text: containers(10_000), goal: 5 },
    { name: 'script: -p 1-3000:1-3000', text: portRange(3000) },
    { name: 'script: -p 1-30000:1-30000', text: portRange(30_000), goal: 5 },
  ];
  for (const c of cases) {
    const { seconds, cpu, rules } = timeScript(c.text);
    const goal = c.goal === undefined ? '' : `; goal < ${c.goal} s: ${seconds < c.goal ? 'met' : 'NOT met'}`;
    rows.push({
      name: c.name,
      value: seconds,
      unit: 's',
      note: `${cpu.toFixed(2)} s CPU, ${rules} rules${goal}`,
    });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchDockerScale()) {
    console.log(`${row.name.padEnd(44)} ${row.value.toFixed(3).padStart(8)} ${row.unit}  ${row.note ?? ''}`);
  }
}
