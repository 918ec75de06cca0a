/**
 * `nettwin ruleset --docker-version V --script FILE [--save]`: runs a docker command
 * script through the Docker model and prints the ruleset that Docker of that version
 * would leave behind. Default output: a short summary of the host, then the dump;
 * `--save`: only the dump, in `iptables-save -c` form, or as `nft list ruleset` prints
 * Docker's docker-bridges table when the script's dockerd runs `--firewall-backend=nftables`.
 * Standalone: `npx tsx src/cli/ruleset.ts --docker-version 28.5 --script FILE`.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { DockerDaemonModel } from '../docker/daemon-model.ts';
import { DEFAULT_DOCKER_VERSION, PROFILES, VERIFIED_DOCKER_VERSIONS } from '../docker/profile.ts';
import { type DockerScriptError, runDockerScript } from '../docker/script.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { ComposeRulesetError, composeModel } from './ruleset-compose.ts';

/** Input the command cannot use (exit 2), as opposed to a script Docker refused (exit 1). */
export class RulesetUsageError extends Error {
  override name = 'RulesetUsageError';
}

export interface RulesetCliOptions {
  dockerVersion: string;
  /** One of script and compose. */
  script?: string;
  /** A compose file: the ruleset `docker compose up -d` of it leaves (ruleset-compose.ts). */
  compose?: string;
  projectName?: string;
  save?: boolean;
  baseline?: 'bare' | 'dind';
}

/** Human summary: bridges, containers and docker-proxy listeners of the modelled host. */
export function describeHost(model: DockerDaemonModel): string {
  const host = model.host();
  const lines = [
    `# Docker ${model.profile.version} model (${model.profile.engine}), baseline ${model.baseline}`,
  ];
  for (const n of model.listNetworks())
    lines.push(`# network ${n.name}: bridge ${n.bridge} ${n.subnet} gateway ${n.gateway}`);
  for (const nb of host.neighbours) {
    const ports = (nb.listeners ?? []).map((l) => `${l.port}/${l.protocol}`).join(' ');
    lines.push(`# container ${nb.name}: ${nb.address} on ${nb.dev}${ports ? ` serving ${ports}` : ''}`);
  }
  for (const l of host.listeners) {
    const to = l.forwardTo ? ` -> ${l.forwardTo.address}:${l.forwardTo.port}` : '';
    lines.push(
      `# listener ${l.owner ?? '?'} ${l.protocol} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}${to}`,
    );
  }
  for (const [k, v] of Object.entries(host.sysctls)) lines.push(`# sysctl ${k}=${v.replace('\t', ' ')}`);
  for (const note of model.profile.notes) lines.push(`# note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The ruleset after the script. A line Docker refuses goes to `onRefusal` (its message
 * names file:line) and the script goes on, as a shell would; without `onRefusal` it throws.
 */
export function runRulesetCommand(
  o: RulesetCliOptions,
  onRefusal?: (error: DockerScriptError) => void,
): string {
  if (o.compose !== undefined) {
    if (o.script !== undefined) throw new RulesetUsageError('give --script FILE or --compose FILE, not both');
    try {
      return renderRuleset(composeModel({ ...o, compose: o.compose }), o.save);
    } catch (error) {
      if (error instanceof ComposeRulesetError) throw new RulesetUsageError(error.message);
      throw error;
    }
  }
  if (o.script === undefined)
    throw new RulesetUsageError('give --script FILE (docker commands) or --compose FILE (a compose file)');
  let text: string;
  try {
    text = readFileSync(o.script, 'utf8');
  } catch (error) {
    throw new RulesetUsageError(
      `--script ${o.script}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const model = runDockerScript(text, {
    version: o.dockerVersion,
    file: o.script,
    ...(o.baseline ? { baseline: o.baseline } : {}),
    ...(onRefusal ? { onRefusal } : {}),
  });
  return renderRuleset(model, o.save);
}

function renderRuleset(model: DockerDaemonModel, save: boolean | undefined): string {
  // 29.x --firewall-backend=nftables: Docker's rules are a native nft table, not iptables'.
  const nft = model.nftRuleset();
  if (save) return nft ? serializeNftRuleset(nft) : serializeRuleset(model.ruleset(), { counters: true });
  return `${describeHost(model)}${nft ? serializeNftRuleset(nft) : ''}${serializeRuleset(model.ruleset())}`;
}

export function rulesetCommand(program: Command): Command {
  return program
    .command('ruleset')
    .description(
      'print the iptables ruleset a Docker version would leave after a script of docker commands or a compose file',
    )
    .option(
      '--docker-version <version>',
      `version profile: ${Object.keys(PROFILES)
        .map((v) =>
          VERIFIED_DOCKER_VERSIONS.includes(v) ? `${v} (verified on a real engine)` : `${v} (model only)`,
        )
        .join(', ')}`,
      DEFAULT_DOCKER_VERSION,
    )
    .option('--script <file>', 'docker command script (one command per line, # comments)')
    .option('--compose <file>', 'a compose file instead: the rules `docker compose up -d` of it leaves')
    .option(
      '--project-name <name>',
      'with --compose: the project name (default: name:, else the directory name)',
    )
    .option(
      '--save',
      'print only the ruleset: iptables-save -c form, or nft list ruleset form with --firewall-backend=nftables',
    )
    .addOption(
      new Option(
        '--baseline <kind>',
        'host before dockerd starts (default: dind, or the script pragma)',
      ).choices(['bare', 'dind']),
    )
    .action((opts: RulesetCliOptions) => {
      try {
        let refused = 0;
        process.stdout.write(
          runRulesetCommand(opts, (e) => {
            refused++;
            process.stderr.write(`nettwin ruleset: ${e.message}\n`);
          }),
        );
        if (refused > 0) process.exitCode = 1;
      } catch (e) {
        // An unreadable file, an unknown version, a line that is no command: bad input.
        process.stderr.write(`nettwin ruleset: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const program = new Command('nettwin');
  rulesetCommand(program);
  program.parse(['node', 'nettwin', 'ruleset', ...process.argv.slice(2)]);
}
