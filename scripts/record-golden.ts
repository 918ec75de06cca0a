/**
 * Record golden rulesets from real Docker: run each docker command script
 * (fixtures/scripts/*.docker) on a fresh DinD host per Docker version and save its
 * `iptables-save` (no counters, no timestamp comments) as
 * fixtures/golden/<version>/<script>.txt.
 *
 *   npx tsx scripts/record-golden.ts [--versions 20.10,26.1,28.5] [SCRIPT.docker…]
 *
 * Script lines run in the DinD host's shell. Image names are not pullable here: the
 * first "Unable to find image" tags the workload image under that name and retries.
 * `dockerd restart` and `reboot` lines are model-only and are refused.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'shell-quote';
import { DindSession } from '../src/dind/session.ts';
import type { StartedDindHost } from '../src/dind/started-dind-host.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPTS = join(ROOT, 'fixtures/scripts');

export interface ScriptLine {
  line: number;
  text: string;
}

/** Commands of a script (comments and blank lines dropped), and its daemon options. */
export function readDockerScript(text: string): { daemonOptions: string[]; lines: ScriptLine[] } {
  const lines: ScriptLine[] = [];
  let daemonOptions: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const words = parse(t).filter((w): w is string => typeof w === 'string');
    if (words[0] === 'dockerd' && words[1] !== 'restart' && lines.length === 0) {
      daemonOptions = words.slice(1);
      return;
    }
    lines.push({ line: i + 1, text: t });
  });
  return { daemonOptions, lines };
}

/** The script's shell line as it runs on a DinD host. */
function hostLine(text: string): string {
  if (/^(dockerd restart|reboot)\b/.test(text)) {
    throw new Error(
      `"${text}" changes the daemon's life cycle; record-golden replays only plain docker/iptables lines`,
    );
  }
  return text.replace(/^(kill|pkill|killall)\s+docker-proxy\b/, 'pkill -x docker-proxy');
}

async function runLine(host: StartedDindHost, workload: string, file: string, l: ScriptLine): Promise<void> {
  const line = hostLine(l.text);
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await host.exec(line);
    if (r.exitCode === 0) return;
    const missing = /Unable to find image '([^']+)'/.exec(r.stderr);
    if (missing?.[1]) {
      await host.dockerOrThrow(['tag', workload, missing[1]]);
      continue;
    }
    throw new Error(`${file}:${l.line}: \`${l.text}\` exited with ${r.exitCode}: ${r.stderr.trim()}`);
  }
}

export async function recordGolden(session: DindSession, version: string, path: string): Promise<string> {
  const file = basename(path);
  const { daemonOptions, lines } = readDockerScript(readFileSync(path, 'utf8'));
  const host = await session.startHost({ dockerVersion: version, daemonOptions });
  try {
    for (const l of lines) await runLine(host, session.config.workloadImage, file, l);
    const save = await host.iptablesSaveText({ counters: false });
    const text = `${save
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n')
      .trim()}\n`;
    const out = join(ROOT, 'fixtures/golden', version, file.replace(/\.docker$/, '.txt'));
    mkdirSync(join(ROOT, 'fixtures/golden', version), { recursive: true });
    writeFileSync(out, text);
    return out;
  } finally {
    await host.stop();
  }
}

async function main(): Promise<void> {
  const program = new Command('record-golden')
    .option('--versions <list>', 'Docker versions', '20.10,26.1,28.5')
    .argument('[scripts...]', 'scripts (default: fixtures/scripts/*.docker)')
    .parse();
  const { versions } = program.opts<{ versions: string }>();
  const scripts =
    program.args.length > 0
      ? program.args
      : readdirSync(SCRIPTS)
          .filter((f) => f.endsWith('.docker'))
          .sort()
          .map((f) => join(SCRIPTS, f));
  const session = new DindSession();
  let failed = 0;
  try {
    for (const version of versions.split(',').map((v) => v.trim())) {
      // Hosts of one version in parallel: each script gets its own fresh daemon.
      const results = await Promise.allSettled(scripts.map((s) => recordGolden(session, version, s)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') console.log(`recorded ${r.value.replace(ROOT, '')}`);
        else {
          failed++;
          console.error(
            `FAILED ${version} ${basename(scripts[i] as string)}: ${(r.reason as Error).message}`,
          );
        }
      });
    }
  } finally {
    await session.dispose();
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
