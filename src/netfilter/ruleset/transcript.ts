/**
 * Splits a ground-truth transcript (fixtures/groundtruth/*.txt, recorded on a real
 * Docker host) into its parts, so tests can replay the setup and compare each step's
 * counter deltas. The format:
 *
 *   # host eth0 192.168.70.6; docker Docker version 20.10.24…   ← header (`#` lines first)
 *   ### SETUP $ docker network create …                          ← a setup command
 *   3aaa4a49…                                                    ← its output
 *   ### STEP test3 pings test4 by name                           ← a step and its title
 *   $ docker exec test3 ping -c 2 -W 1 test4                     ← the command (optional)
 *   …output…
 *   rc=0
 *   --- iptables-save -c (deltas of this step)                   ← a dump (counters zeroed before the step)
 *   *filter … COMMIT *nat … COMMIT
 *   hello                                                        ← external client steps (e3):
 *   external rc=0                                                  its output and exit code,
 *   --- iptables-save -c                                           then a second dump
 *   …
 *   ### RULESET AT END
 *   *filter … COMMIT
 *
 * Pure: takes the text, not a path.
 */
import { echo } from '../echo.ts';

export interface TranscriptDump {
  /** The text after "--- " ("iptables-save -c (deltas of this step)"). */
  label: string;
  /** 1-based line of the first dump line (`*filter`) in the transcript. */
  line: number;
  /** The dump, every line ending in "\n", ready for parseRuleset. */
  text: string;
}

export interface TranscriptSetup {
  /** 1-based line of the "### SETUP" line. */
  line: number;
  /** The shell command after "### SETUP $ ". */
  command: string;
  /** Its output lines joined with "\n" (no final newline); "" when none. */
  output: string;
}

export interface TranscriptStep {
  /** 1-based line of the "### STEP" line. */
  line: number;
  title: string;
  /** The command after "$ ", when the step ran one on the Docker host. */
  command?: string;
  /** Output lines before "rc=N", joined with "\n". */
  output: string;
  /** Exit code of the command ("rc=N"). */
  rc?: number;
  /** Output of the external client, before "external rc=N" (e3). */
  externalOutput?: string;
  externalRc?: number;
  /**
   * The step's counter deltas: the last dump of the step. Counters are zeroed once
   * before a step, so when a step has several dumps (e3's external-client steps: one
   * after the in-host command, one after the external request) the last covers it all.
   */
  dumpText: string;
  /** Every dump of the step, in order. */
  dumps: TranscriptDump[];
}

export type TranscriptEntry = ({ kind: 'setup' } & TranscriptSetup) | ({ kind: 'step' } & TranscriptStep);

export interface Transcript {
  /** Leading `#` lines (host and Docker version), without the "# ". */
  header: string[];
  /** Setups and steps in file order (a SETUP may come between steps, e.g. an `iptables -D`). */
  entries: TranscriptEntry[];
  setup: TranscriptSetup[];
  steps: TranscriptStep[];
  /** The dump after "### RULESET AT END" (undefined when the transcript has none). */
  finalDumpText?: string;
  finalDumpLine?: number;
}

export class TranscriptParseError extends Error {
  constructor(
    readonly line: number,
    detail: string,
    lineText: string,
  ) {
    super(`${echo(detail, 300)} on line ${line} of the transcript: ${echo(lineText)}`);
    this.name = 'TranscriptParseError';
  }
}

const DUMP_LINE = /^(\*\S|:\S|\[\d+:\d+\] |-A |COMMIT$|#(?!##))/;

export function parseTranscript(text: string): Transcript {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const result: Transcript = { header: [], entries: [], setup: [], steps: [] };
  let i = 0;
  while (
    i < lines.length &&
    (lines[i] as string).startsWith('#') &&
    !(lines[i] as string).startsWith('###')
  ) {
    result.header.push((lines[i] as string).replace(/^#\s?/, ''));
    i++;
  }

  const readDump = (from: number): { text: string; next: number } => {
    let j = from;
    while (j < lines.length && DUMP_LINE.test(lines[j] as string)) j++;
    const body = lines.slice(from, j);
    return { text: body.length ? `${body.join('\n')}\n` : '', next: j };
  };

  while (i < lines.length) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line.startsWith('### SETUP')) {
      const command = line.replace(/^### SETUP\s*\$?\s?/, '');
      const out: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).startsWith('### ')) out.push(lines[i++] as string);
      const setup: TranscriptSetup = { line: lineNo, command, output: out.join('\n') };
      result.setup.push(setup);
      result.entries.push({ kind: 'setup', ...setup });
      continue;
    }
    if (line.startsWith('### STEP')) {
      const step: TranscriptStep = {
        line: lineNo,
        title: line.replace(/^### STEP\s*/, ''),
        output: '',
        dumpText: '',
        dumps: [],
      };
      i++;
      if (i < lines.length && (lines[i] as string).startsWith('$ ')) {
        step.command = (lines[i] as string).slice(2);
        i++;
      }
      let pending: string[] = [];
      while (i < lines.length && !(lines[i] as string).startsWith('### ')) {
        const l = lines[i] as string;
        const rc = /^rc=(\d+)$/.exec(l);
        const ext = /^external rc=(\d+)$/.exec(l);
        if (rc) {
          step.output = pending.join('\n');
          step.rc = Number(rc[1]);
          pending = [];
          i++;
        } else if (ext) {
          step.externalOutput = pending.join('\n');
          step.externalRc = Number(ext[1]);
          pending = [];
          i++;
        } else if (l.startsWith('--- iptables-save')) {
          const dump = readDump(i + 1);
          step.dumps.push({ label: l.slice(4), line: i + 2, text: dump.text });
          i = dump.next;
        } else {
          pending.push(l);
          i++;
        }
      }
      if (pending.length > 0) {
        if (step.rc === undefined) step.output = pending.join('\n');
        else
          step.externalOutput = [step.externalOutput, ...pending].filter((x) => x !== undefined).join('\n');
      }
      const last = step.dumps[step.dumps.length - 1];
      if (!last) throw new TranscriptParseError(lineNo, 'step without an "--- iptables-save" dump', line);
      step.dumpText = last.text;
      result.steps.push(step);
      result.entries.push({ kind: 'step', ...step });
      continue;
    }
    if (line.startsWith('### RULESET AT END')) {
      const dump = readDump(i + 1);
      result.finalDumpText = dump.text;
      result.finalDumpLine = i + 2;
      i = dump.next;
      if (i < lines.length) {
        throw new TranscriptParseError(i + 1, 'unexpected text after the final ruleset', lines[i] as string);
      }
      continue;
    }
    throw new TranscriptParseError(lineNo, 'expected "### SETUP", "### STEP" or "### RULESET AT END"', line);
  }
  return result;
}
