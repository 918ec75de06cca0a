/**
 * The `nettwin` command line: run (features), trace (one flow through a dump), ruleset
 * (what Docker would write) and init (a starter for a repository). trace and ruleset
 * live in their own modules and are registered only if present, so `nettwin run` works
 * while they are being written. Nothing heavy loads here: cucumber, testcontainers and
 * dockerode are imported by the command that runs them, so `nettwin --version` and
 * `--help` start at once.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-paths.ts';
import { initCommand } from './init.ts';
import { RunUsageError, runCommand } from './run.ts';

type Register = (program: Command) => unknown;

/** Import `./NAME.ts` and call its register function; a missing module gives a stub that says so. */
async function registerOptional(
  program: Command,
  name: string,
  exportName: string,
  summary: string,
): Promise<void> {
  const specifier = `./${name}.ts`;
  try {
    const module = (await import(specifier)) as Record<string, unknown>;
    const register = module[exportName];
    if (typeof register === 'function') {
      (register as Register)(program);
      return;
    }
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw cause;
  }
  program
    .command(name, { hidden: false })
    .description(`${summary} (not available yet: src/cli/${name}.ts does not export ${exportName})`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new RunUsageError(
        `nettwin ${name} is not available yet: src/cli/${name}.ts does not export ${exportName}()`,
      );
    });
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('nettwin')
    .description(
      'Scenario-as-code for Docker networking: real Docker-in-Docker hosts checked against a netfilter twin',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError();
  runCommand(program);
  await registerOptional(program, 'trace', 'traceCommand', 'run one flow through an iptables-save dump');
  await registerOptional(
    program,
    'ruleset',
    'rulesetCommand',
    'print the ruleset Docker would write for a script',
  );
  await registerOptional(
    program,
    'snapshot',
    'snapshotCommand',
    "record this Docker host's networking for trace --snapshot",
  );
  initCommand(program);
  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = await buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`nettwin: ${(error as Error).message}\n`);
    process.exitCode = process.exitCode || 2;
  }
}

// Run when started directly (`tsx src/cli/main.ts`); bin/nettwin.js calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
