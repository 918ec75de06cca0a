/**
 * Reads a ground-truth transcript (fixtures/groundtruth/*.txt): sections headed
 * `### SETUP …`, `### STEP …` and `### RULESET AT END`, each holding command output and
 * `iptables-save -c` dumps. Before every STEP the counters were zeroed, so the last
 * dump of a STEP is exactly that step's deltas. Pure text in, text out.
 */

export interface TranscriptSection {
  kind: 'SETUP' | 'STEP' | 'RULESET AT END';
  /** The rest of the `###` line. */
  title: string;
  /** 1-based line of the `###` header. */
  line: number;
  /** Lines that are not part of a dump (commands, output, rc=…). */
  output: string[];
  /** Every iptables-save dump in the section, in order (text ending in a newline). */
  dumps: string[];
}

const DUMP_LINE = /^(\*\w|:\S+ \S+ \[|\[\d+:\d+\] -A |-A |COMMIT$)/;

export function readTranscript(text: string): TranscriptSection[] {
  const sections: TranscriptSection[] = [];
  let current: TranscriptSection | undefined;
  let dump: string[] | undefined;
  const closeDump = () => {
    if (current && dump && dump.length > 0) current.dumps.push(`${dump.join('\n')}\n`);
    dump = undefined;
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const header = /^### (SETUP|STEP|RULESET AT END)\s*(.*)$/.exec(line);
    if (header) {
      closeDump();
      current = {
        kind: header[1] as TranscriptSection['kind'],
        title: (header[2] ?? '').trim(),
        line: i + 1,
        output: [],
        dumps: [],
      };
      sections.push(current);
      return;
    }
    if (!current) return;
    if (DUMP_LINE.test(line)) {
      // Tables of one dump follow each other directly; anything else ends the dump.
      dump ??= [];
      dump.push(line);
      return;
    }
    if (dump && line.startsWith('--- ')) closeDump();
    if (dump) closeDump();
    if (line !== '' && !line.startsWith('--- iptables-save')) current.output.push(line);
  });
  closeDump();
  return sections;
}

/** The STEP sections with their deltas dump (the last dump of the section). */
export function transcriptSteps(text: string): Array<{ title: string; line: number; deltas: string }> {
  return readTranscript(text)
    .filter((s) => s.kind === 'STEP' && s.dumps.length > 0)
    .map((s) => ({ title: s.title, line: s.line, deltas: s.dumps[s.dumps.length - 1] as string }));
}
