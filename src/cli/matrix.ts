/**
 * `nettwin matrix`: the reachability matrix of a compose stack or a docker script on the
 * model (no Docker): every container to every other container's address and published
 * port, the external client and the host to every published port, each container to the
 * external client (`--neighbour`: also a LAN machine that routes the container subnets via
 * the host, to every container and published port, and each container to it). Each cell's
 * verdict and deciding rule come from the model's packet path. Output: a terminal table,
 * `--markdown`, `--json`, `--gherkin`; `--explain` adds each blocked cell's rule and path.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_DOCKER_VERSION, PROFILES } from '../docker/profile.ts';
import { planCells } from '../matrix/plan.ts';
import { probeCells } from '../matrix/probe.ts';
import {
  renderExplain,
  renderGherkin,
  renderJson,
  renderMarkdown,
  renderTerminal,
} from '../matrix/render.ts';
import type { Matrix } from '../matrix/types.ts';
import { buildScene, type MatrixSceneOptions, splitDaemonOptions } from './matrix-scene.ts';

/** The options `matrix` and `diff` share: what the host is. */
export interface HostCliOptions {
  compose?: string;
  projectName?: string;
  script?: string;
  snapshot?: string;
  dockerVersion: string;
  daemonOptions?: string;
  apply?: string;
  directRouting?: boolean;
  neighbour?: boolean;
}

export function addHostOptions(command: Command): Command {
  return command
    .option('--compose <file>', 'a compose file: the stack `docker compose up -d` of it starts')
    .option(
      '--project-name <name>',
      'with --compose: the project name (default: name:, else the directory name)',
    )
    .option(
      '--script <file>',
      'docker command script, as nettwin ruleset takes it (a first `dockerd …` line: options)',
    )
    .option('--snapshot <file>', 'a host recorded by nettwin snapshot, as it was (diff: two snapshots)')
    .option(
      '--docker-version <version>',
      `version profile: ${Object.keys(PROFILES).join(', ')}`,
      DEFAULT_DOCKER_VERSION,
    )
    .option('--daemon-options <options>', 'dockerd options, quoted as one argument: "--userland-proxy=false"')
    .option(
      '--apply <file>',
      'host commands run after the stack is up: iptables, nft, ufw, sysctl lines (diff: on the other side only)',
    )
    .option(
      '--direct-routing',
      'the external client routes every container subnet via the host (a LAN route, a VPN) and probes each container',
    )
    .option(
      '--neighbour',
      'add "the neighbour" (192.168.70.10), a LAN machine routing the container subnets via the host: it probes every container and published port, and each container pings it',
    );
}

export function sceneOptions(o: HostCliOptions): MatrixSceneOptions {
  return {
    dockerVersion: o.dockerVersion,
    daemonOptions: o.daemonOptions ? splitDaemonOptions(o.daemonOptions) : [],
    ...(o.compose !== undefined ? { compose: o.compose } : {}),
    ...(o.projectName !== undefined ? { projectName: o.projectName } : {}),
    ...(o.script !== undefined ? { script: o.script } : {}),
    ...(o.snapshot !== undefined ? { snapshot: o.snapshot } : {}),
    ...(o.apply !== undefined ? { apply: o.apply } : {}),
    ...(o.directRouting ? { directRouting: true } : {}),
    ...(o.neighbour ? { neighbour: true } : {}),
  };
}

/** The matrix of one host configuration on the model. */
export async function computeMatrix(o: MatrixSceneOptions, explain = false): Promise<Matrix> {
  const { backend, view } = await buildScene(o);
  try {
    return { cells: await probeCells(backend, planCells(view), { explain }) };
  } finally {
    await backend.dispose();
  }
}

export type MatrixFormat = 'terminal' | 'markdown' | 'json' | 'gherkin';

export function renderMatrix(m: Matrix, format: MatrixFormat, explain: boolean): string {
  switch (format) {
    case 'json':
      return renderJson(m);
    case 'markdown':
      return renderMarkdown(m) + (explain ? `\n\`\`\`\n${renderExplain(m)}\`\`\`\n` : '');
    case 'gherkin':
      return renderGherkin(m);
    case 'terminal':
      return renderTerminal(m) + (explain ? `\n${renderExplain(m)}` : '');
  }
}

interface MatrixCliOptions extends HostCliOptions {
  markdown?: boolean;
  json?: boolean;
  gherkin?: boolean;
  explain?: boolean;
}

function formatOf(o: { markdown?: boolean; json?: boolean; gherkin?: boolean }): MatrixFormat {
  const chosen = (['markdown', 'json', 'gherkin'] as const).filter((f) => o[f]);
  if (chosen.length > 1) throw new Error(`choose one output: --${chosen.join(' or --')}`);
  return chosen[0] ?? 'terminal';
}

export function matrixCommand(program: Command): Command {
  const command = program
    .command('matrix')
    .description(
      'the reachability matrix of a compose stack or docker script, on the model, with the deciding rules',
    );
  return addHostOptions(command)
    .addOption(new Option('--markdown', 'a Markdown table'))
    .addOption(new Option('--json', 'JSON: {"cells":[{from,to,port,proto,verdict,rule}]}'))
    .addOption(new Option('--gherkin', 'a table to paste under `Then the reachability is:`'))
    .option('--explain', 'each blocked cell with its deciding rule and packet path')
    .action(async (opts: MatrixCliOptions) => {
      try {
        const format = formatOf(opts);
        const m = await computeMatrix(sceneOptions(opts), opts.explain === true);
        process.stdout.write(renderMatrix(m, format, opts.explain === true));
      } catch (e) {
        process.stderr.write(`nettwin matrix: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
