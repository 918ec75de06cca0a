/**
 * The `nettwin` command line: run (features), trace (one flow through a dump), ruleset
 * (what Docker would write), merge-reports (the shards of a run as one report) and init
 * (a starter for a repository). trace, ruleset, snapshot, merge-reports and steps live in
 * their own modules, imported only when invoked. Nothing heavy loads here: cucumber, testcontainers and
 * dockerode are imported by the command that runs them, so `nettwin --version` and
 * `--help` start at once.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-paths.ts';
import { errorText } from './error-text.ts';
import { initCommand } from './init.ts';
import { runCommand } from './run.ts';

type Register = (program: Command) => unknown;

/** The same for every command (docs: README "Exit codes"). */
export const EXIT_CODES_HELP = `
Exit codes (every command):
  0  passed: every scenario or check passed
  1  a scenario or check failed (a failed run, a trace/ruleset that found a refusal)
  2  bad input or usage: an unknown option or value, a file that cannot be read, a path that does not exist`;

/**
 * The command an argv invokes (`nettwin trace …`, `nettwin help trace`), or undefined for
 * `nettwin --version` / `--help`. Only that command's module is imported: the others
 * appear in the help by their summary, so start-up does not pay for every module.
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The modules of the commands registered lazily, each import written out so that the
 * compiled package's bundler keeps it (a computed path would name a file it moved).
 */
const COMMAND_MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  trace: () => import('./trace.ts'),
  ruleset: () => import('./ruleset.ts'),
  matrix: () => import('./matrix.ts'),
  diff: () => import('./diff.ts'),
  snapshot: () => import('./snapshot.ts'),
  'merge-reports': () => import('./merge-reports.ts'),
  steps: () => import('./steps.ts'),
};

/** Import `./NAME.ts` and call its register function (only for the command being run). */
async function registerLazy(
  program: Command,
  name: string,
  exportName: string,
  summary: string,
  load = true,
): Promise<void> {
  if (!load) {
    // Not the command being run: listed in the help, its module not loaded.
    program.command(name).description(summary).allowUnknownOption().allowExcessArguments();
    return;
  }
  const loadModule = COMMAND_MODULES[name];
  if (!loadModule) throw new Error(`no module for the command ${name}`);
  const module = await loadModule();
  const register = module[exportName];
  if (typeof register !== 'function') throw new Error(`src/cli/${name}.ts does not export ${exportName}()`);
  (register as Register)(program);
}

/**
 * The whole command line; given the argv about to be parsed, only the invoked command's
 * module is loaded (`null`: load every command, e.g. to inspect them all).
 */
export async function buildProgram(argv: readonly string[] | null = null): Promise<Command> {
  const invoked = argv === null ? undefined : invokedCommand(argv);
  const load = (name: string) => argv === null || invoked === name;
  const program = new Command('nettwin')
    .description(
      'Scenario-as-code for Docker networking: real Docker-in-Docker hosts checked against a netfilter twin',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODES_HELP);
  runCommand(program);
  await registerLazy(
    program,
    'trace',
    'traceCommand',
    'run one flow through an iptables-save dump or a snapshot',
    load('trace'),
  );
  await registerLazy(
    program,
    'ruleset',
    'rulesetCommand',
    'print the ruleset Docker would write for a script',
    load('ruleset'),
  );
  await registerLazy(
    program,
    'matrix',
    'matrixCommand',
    'the reachability matrix of a compose stack or script on the model, with the deciding rules',
    load('matrix'),
  );
  await registerLazy(
    program,
    'diff',
    'diffCommand',
    'the cells of the reachability matrix that change between two Docker versions, options or firewalls',
    load('diff'),
  );
  await registerLazy(
    program,
    'snapshot',
    'snapshotCommand',
    "record this Docker host's networking for trace --snapshot",
    load('snapshot'),
  );
  await registerLazy(
    program,
    'merge-reports',
    'mergeReportsCommand',
    'merge the reports of the shards of one run (run --shard) into one',
    load('merge-reports'),
  );
  await registerLazy(
    program,
    'steps',
    'stepsCommand',
    "list every sentence nettwin understands, with an example each, then this project's own",
    load('steps'),
  );
  initCommand(program);
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = await buildProgram(argv);
  // Subcommands copy the setting only when created after it: set it on each.
  for (const command of [program, ...program.commands]) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every usage error (unknown option, missing argument) is 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`nettwin: ${errorText(error)}\n`);
    process.exitCode = process.exitCode || 2;
  }
}

// Run when started directly (`tsx src/cli/main.ts`); bin/nettwin.js calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
