/**
 * `nettwin snapshot [--out FILE] [--container NAME]`: record a live Docker host's
 * networking (rules, addresses, routes, sysctls, Docker networks and containers,
 * docker-proxy listeners) as one JSON file that `trace --snapshot` and the step
 * `Given a host like the one in snapshot "FILE"` replay. Read-only on the host.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { RULE_LINE } from '../snapshot/assemble.ts';
import type { Snapshot } from '../snapshot/schema.ts';

export interface SnapshotCliOptions {
  out?: string;
  container?: string;
}

/** One line for the terminal: what was recorded. */
export function summarize(snapshot: Snapshot): string {
  const rules = (snapshot.iptables.save.match(RULE_LINE) ?? []).length;
  const legacy = snapshot.iptables.legacySave
    ? `, and ${(snapshot.iptables.legacySave.match(RULE_LINE) ?? []).length} iptables-legacy rules`
    : '';
  return (
    `snapshot of ${snapshot.host.hostname || 'the host'} (Docker ${snapshot.docker.serverVersion}, ${snapshot.iptables.version}): ` +
    `${snapshot.networks.length} networks, ${snapshot.containers.length} containers, ${rules} rules${legacy}, ` +
    `${snapshot.listeners.length} listeners`
  );
}

export function snapshotCommand(program: Command): Command {
  return program
    .command('snapshot')
    .description(
      "record this Docker host's networking as one JSON file (read-only; run as root) for trace --snapshot and features",
    )
    .option('--out <file>', 'write the snapshot here (default: standard output)')
    .option(
      '--container <name>',
      'take it inside this container through `docker exec` (a Docker-in-Docker host) instead of on this machine',
    )
    .action(async (options: SnapshotCliOptions) => {
      try {
        // execa loads only when a snapshot is taken, not for `nettwin --help`.
        const { collectSnapshot, dockerExecRunner, localRunner } = await import('../snapshot/collect.ts');
        const runner = options.container ? dockerExecRunner(options.container) : localRunner;
        const snapshot = await collectSnapshot(runner);
        const text = `${JSON.stringify(snapshot, null, 2)}\n`;
        if (options.out) {
          writeFileSync(options.out, text);
          process.stderr.write(`${summarize(snapshot)} → ${options.out}\n`);
        } else {
          process.stdout.write(text);
        }
      } catch (error) {
        process.stderr.write(`nettwin snapshot: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
