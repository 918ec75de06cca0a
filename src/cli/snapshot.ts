/**
 * `nettwin snapshot [--out FILE] [--container NAME] [--redact]`: record a live Docker
 * host's networking (rules, addresses, routes, sysctls, Docker networks and containers,
 * listeners) as one JSON file that `trace --snapshot` and the step `Given a host like
 * the one in snapshot "FILE"` replay. Read-only on the host.
 *
 * The file says a lot about the host (its name, what listens on it, its rules'
 * comments): it is written readable by its owner only, and `--redact` replaces those
 * names before it is shared.
 */
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { RULE_LINE } from '../snapshot/assemble.ts';
import { type Redaction, redactSnapshot } from '../snapshot/redact.ts';
import type { Snapshot } from '../snapshot/schema.ts';

export interface SnapshotCliOptions {
  out?: string;
  container?: string;
  redact?: boolean;
}

/** Owner read and write only: a snapshot names the host's processes and holds its whole ruleset. */
export const SNAPSHOT_FILE_MODE = 0o600;

/** One line for the terminal: what was recorded. */
export function summarize(snapshot: Snapshot): string {
  const rules = (snapshot.iptables.save.match(RULE_LINE) ?? []).length;
  const ip6 = snapshot.ip6tables
    ? snapshot.ip6tables.save !== undefined
      ? `, ${(snapshot.ip6tables.save.match(RULE_LINE) ?? []).length} ip6tables rules`
      : `, no ip6tables (${snapshot.ip6tables.absent})`
    : '';
  const legacy = snapshot.iptables.legacySave
    ? `, and ${(snapshot.iptables.legacySave.match(RULE_LINE) ?? []).length} iptables-legacy rules`
    : '';
  return (
    `snapshot of ${snapshot.host.hostname || 'the host'} (Docker ${snapshot.docker.serverVersion}, ${snapshot.iptables.version}): ` +
    `${snapshot.networks.length} networks, ${snapshot.containers.length} containers, ${rules} rules${ip6}${legacy}, ` +
    `${snapshot.listeners.length} listeners`
  );
}

function redactionLine({ replaced }: Redaction): string {
  return (
    `redacted: ${replaced.hostname ? 'the hostname, ' : ''}${replaced.processes} process names, ` +
    `${replaced.comments} rule comments`
  );
}

/**
 * Write `text` to `file` with mode 0600, also when the file exists already with a wider
 * mode (open keeps an existing file's mode; fchmod narrows it before a byte is written).
 */
export function writeSnapshotFile(file: string, text: string): void {
  const fd = openSync(file, 'w', SNAPSHOT_FILE_MODE);
  try {
    fchmodSync(fd, SNAPSHOT_FILE_MODE);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export interface SnapshotIo {
  /** `warn` hears what the snapshot leaves out of the host's outputs (a multipath route …). */
  collect(container: string | undefined, warn: (text: string) => void): Promise<Snapshot>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const defaultIo: SnapshotIo = {
  async collect(container, warn) {
    // execa loads only when a snapshot is taken, not for `nettwin --help`.
    const { collectSnapshot, dockerExecRunner, localRunner } = await import('../snapshot/collect.ts');
    return collectSnapshot(container ? dockerExecRunner(container) : localRunner, warn);
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** The command's work; returns its exit code (0, or 2 when the host could not be read or the file written). */
export async function takeSnapshot(options: SnapshotCliOptions, io: SnapshotIo = defaultIo): Promise<number> {
  try {
    let snapshot = await io.collect(options.container, (text) =>
      io.stderr(`nettwin snapshot: warning: ${text}\n`),
    );
    if (options.redact) {
      const redaction = redactSnapshot(snapshot);
      snapshot = redaction.snapshot;
      io.stderr(`${redactionLine(redaction)}\n`);
    }
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    if (options.out) {
      writeSnapshotFile(options.out, text);
      io.stderr(`${summarize(snapshot)} → ${options.out}\n`);
    } else {
      io.stdout(text);
    }
    return 0;
  } catch (error) {
    io.stderr(`nettwin snapshot: ${(error as Error).message}\n`);
    return 2;
  }
}

export function snapshotCommand(program: Command): Command {
  return program
    .command('snapshot')
    .description(
      "record this Docker host's networking as one JSON file (read-only; run as root) for trace --snapshot and features",
    )
    .option('--out <file>', 'write the snapshot here, readable by its owner only (default: standard output)')
    .option(
      '--container <name>',
      'take it inside this container through `docker exec` (a Docker-in-Docker host) instead of on this machine',
    )
    .option(
      '--redact',
      'replace the hostname, the names of non-Docker listening processes and rule comments with placeholders (for sharing)',
    )
    .action(async (options: SnapshotCliOptions) => {
      process.exitCode = await takeSnapshot(options);
    });
}
