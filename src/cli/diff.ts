/**
 * `nettwin diff`: the same reachability matrix under two configurations, and only the
 * cells that change, each with the rule that decided it on each side. The other side is
 * `--against-docker-version V` (repeat it for a chain of upgrades: 20.10 → 28.5 → 29.7),
 * `--against-daemon-options "…"`, `--apply FILE` (host commands: iptables, nft, ufw
 * lines, run on the other side only), or `--snapshot A --against-snapshot B` (two
 * recordings of a host, before and after a change). Exit code 0 whatever changed (the diff is a report), like `git diff`;
 * with `--exit-code`, 1 when a cell changes. 2: bad input.
 */
import type { Command } from 'commander';
import {
  type CellChange,
  type DiffOptions,
  diffJson,
  diffMatrices,
  renderDiffMarkdown,
  renderDiffTerminal,
} from '../matrix/diff.ts';
import { addHostOptions, computeMatrix, type HostCliOptions, sceneOptions } from './matrix.ts';
import { type MatrixSceneOptions, splitDaemonOptions } from './matrix-scene.ts';

interface DiffCliOptions extends HostCliOptions {
  againstDockerVersion?: string[];
  againstDaemonOptions?: string;
  markdown?: boolean;
  json?: boolean;
  exitCode?: boolean;
  rules?: boolean;
  againstSnapshot?: string;
}

export interface DiffSide {
  label: string;
  options: MatrixSceneOptions;
}

/** The sides in order: the base, then each configuration compared with the one before it. */
export function diffSides(o: DiffCliOptions): DiffSide[] {
  // In diff, --apply names the change under review: the other side only.
  const { apply: _apply, ...base } = sceneOptions(o);
  const describe = (s: MatrixSceneOptions) =>
    [
      s.snapshot ?? `Docker ${s.dockerVersion}`,
      ...(s.daemonOptions.length > 0 ? [s.daemonOptions.join(' ')] : []),
      ...(s.apply !== undefined ? [`+ ${s.apply}`] : []),
    ].join(' ');
  const sides: DiffSide[] = [{ label: describe(base), options: base }];
  const versions = o.againstDockerVersion ?? [];
  const others = [o.againstDaemonOptions, o.apply].filter((x) => x !== undefined).length;
  if (o.againstSnapshot !== undefined) {
    // Two recordings of a host (before and after a change): nothing else varies.
    if (base.snapshot === undefined || versions.length > 0 || o.againstDaemonOptions !== undefined)
      throw new Error(
        '--against-snapshot compares two snapshots: give --snapshot FILE, and no version or options',
      );
    const options: MatrixSceneOptions = { ...base, snapshot: o.againstSnapshot };
    if (o.apply !== undefined) options.apply = o.apply;
    return [...sides, { label: describe(options), options }];
  }
  if (versions.length === 0 && others === 0)
    throw new Error(
      'give the other side: --against-docker-version V, --against-daemon-options "…", --apply FILE or --against-snapshot FILE',
    );
  if (base.snapshot !== undefined && (versions.length > 0 || o.againstDaemonOptions !== undefined))
    throw new Error(
      'a snapshot is the host as recorded: compare it with --against-snapshot FILE or --apply FILE, not a Docker version or options',
    );
  if (versions.length > 0 && others > 0)
    throw new Error('compare either Docker versions or one changed configuration, not both at once');
  for (const v of versions) {
    const options = { ...base, dockerVersion: v };
    sides.push({ label: describe(options), options });
  }
  if (others > 0) {
    const options: MatrixSceneOptions = {
      ...base,
      ...(o.againstDaemonOptions !== undefined
        ? { daemonOptions: splitDaemonOptions(o.againstDaemonOptions) }
        : {}),
      ...(o.apply !== undefined ? { apply: o.apply } : {}),
    };
    sides.push({ label: describe(options), options });
  }
  return sides;
}

export interface DiffStep {
  before: string;
  after: string;
  changes: CellChange[];
}

export async function runDiff(sides: readonly DiffSide[], options: DiffOptions = {}): Promise<DiffStep[]> {
  const matrices = [];
  for (const s of sides) matrices.push(await computeMatrix(s.options));
  const steps: DiffStep[] = [];
  for (let i = 1; i < sides.length; i++) {
    const [a, b] = [sides[i - 1], sides[i]] as [DiffSide, DiffSide];
    steps.push({
      before: a.label,
      after: b.label,
      changes: diffMatrices(
        matrices[i - 1] as (typeof matrices)[number],
        matrices[i] as (typeof matrices)[number],
        options,
      ),
    });
  }
  return steps;
}

export function renderDiffSteps(
  steps: readonly DiffStep[],
  format: 'terminal' | 'markdown' | 'json',
): string {
  if (format === 'json')
    return `${JSON.stringify({ diffs: steps.map((s) => diffJson(s.changes, s)) }, null, 2)}\n`;
  const render = format === 'markdown' ? renderDiffMarkdown : renderDiffTerminal;
  return steps.map((s) => render(s.changes, s)).join('\n');
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function diffCommand(program: Command): Command {
  const command = program
    .command('diff')
    .description(
      'the reachability cells that change between two configurations, with the deciding rule on each side',
    );
  return addHostOptions(command)
    .option(
      '--against-docker-version <version>',
      'the other side: this Docker version (repeat: a chain)',
      collect,
    )
    .option('--against-daemon-options <options>', 'the other side: these dockerd options instead')
    .option(
      '--against-snapshot <file>',
      'with --snapshot: the other side is this later recording of the host',
    )
    .option('--markdown', 'a Markdown table per step')
    .option('--json', 'JSON: {"diffs":[{before,after,changes:[{from,to,port,proto,before,after}]}]}')
    .option('--rules', 'also cells whose verdict stays but whose deciding rule changes')
    .option('--exit-code', 'exit 1 when a cell changes (like git diff --exit-code); default: 0')
    .action(async (opts: DiffCliOptions) => {
      try {
        if (opts.markdown && opts.json) throw new Error('choose one output: --markdown or --json');
        const steps = await runDiff(diffSides(opts), { rules: opts.rules === true });
        process.stdout.write(
          renderDiffSteps(steps, opts.json ? 'json' : opts.markdown ? 'markdown' : 'terminal'),
        );
        if (opts.exitCode && steps.some((s) => s.changes.length > 0)) process.exitCode = 1;
      } catch (e) {
        process.stderr.write(`nettwin diff: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
