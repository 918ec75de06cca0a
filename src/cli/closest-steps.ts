/**
 * Suggestions for an undefined step: the known step sentences closest to what was
 * written, by edit distance. Values (quoted names, addresses, numbers) are reduced to
 * placeholders on both sides so a typo in a keyword weighs more than a different name.
 */

export interface StepPattern {
  /** The cucumber expression or the regexp source of a step definition. */
  source: string;
  type: 'CUCUMBER_EXPRESSION' | 'REGULAR_EXPRESSION';
}

const QUOTED = '"…"';
const VALUE = '…';

/** Levenshtein distance over characters (two rows). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A step's text with its values replaced by placeholders. */
export function abstractStepText(text: string): string {
  return text
    .replace(/"[^"]*"/g, QUOTED)
    .replace(/\b(?:https?:\/\/)\S+/g, VALUE)
    .replace(/\b\d+(?:\.\d+){3}(?::\d+)?(?:\/\d+)?\b/g, VALUE)
    .replace(/\b\d+(?::\d+)*(?:\/(?:tcp|udp))?\b/g, VALUE)
    .trim();
}

const QUOTED_PARAMETERS = new Set(['string', 'container', 'network']);

// Stand-ins for the parentheses of a shown alternation while groups are being rewritten.
const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * A readable sentence for a step definition, with placeholders for its parameters.
 * `alternatives`: an alternation shows every branch, `(succeeds | is refused)` (for a
 * listing); otherwise its first branch only (for edit distance).
 */
export function humanizePattern(pattern: StepPattern, options: { alternatives?: boolean } = {}): string {
  if (pattern.type === 'CUCUMBER_EXPRESSION') {
    return pattern.source
      .replace(/\{([^}]*)\}/g, (_, name: string) => (QUOTED_PARAMETERS.has(name) ? QUOTED : VALUE))
      .replace(/\\(.)/g, '$1');
  }
  let s = pattern.source.replace(/^\^/, '').replace(/\$$/, '');
  s = s.replace(/"\(?\[\^"\][+*]\)?"/g, QUOTED);
  // Innermost groups first, until none is left: optional groups become [ … ], an
  // alternation shows its first branch, a capture of anything but words shows "…".
  for (let guard = 0; guard < 20 && /\(/.test(s.replace(/\\\(/g, '')); guard++) {
    s = s.replace(
      /\((\?:)?([^()]*)\)(\?)?/g,
      (_all, nonCapturing: string | undefined, body: string, optional) => {
        const branches = splitBranches(body);
        if (options.alternatives && branches.length > 1) {
          // ` on network x| with network y` reads ` (on network x | with network y)`.
          const lead = branches.every((b) => b.startsWith(' ')) ? ' ' : '';
          const words = branches.map((b) => humanBranch(lead ? b.slice(1) : b, true));
          const shown = `${lead}${OPEN}${words.join(' | ')}${CLOSE}`;
          return optional ? `[${shown}]` : shown;
        }
        const words = humanBranch(branches[0] ?? '', Boolean(nonCapturing));
        return optional ? `[${words}]` : words;
      },
    );
  }
  return s
    .replace(/\\S[+*]\??|\\d\+|\\w\+|\.\+\??|\[[^\]]*\]\+/g, VALUE)
    .replace(/\\(.)/g, '$1')
    .replace(/\?/g, '')
    .replaceAll(OPEN, '(')
    .replaceAll(CLOSE, ')');
}

/** A branch as words when it is literal (or `keep`), else a value placeholder. */
function humanBranch(branch: string, keep: boolean): string {
  const literal = /^[\w .,:-]*$/.test(branch) || branch.includes(QUOTED) || branch.includes('[');
  return keep || literal ? branch : VALUE;
}

/** The branches of an alternation, ignoring `|` inside [optional] or shown (a | b) parts already rewritten. */
function splitBranches(body: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '[' || c === OPEN) depth++;
    else if (c === ']' || c === CLOSE) depth--;
    else if (c === '|' && depth === 0) {
      branches.push(body.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(body.slice(start));
  return branches;
}

/** The sentence with its optional [parts] kept and dropped: distance takes the closer. */
function variants(sentence: string): string[] {
  const kept = sentence.replace(/\[([^[\]]*)\]/g, '$1');
  let dropped = sentence;
  for (let guard = 0; guard < 10 && /\[[^[\]]*\]/.test(dropped); guard++)
    dropped = dropped.replace(/\[[^[\]]*\]/g, '');
  return [kept, dropped.replace(/\s+/g, ' ').trim()];
}

export interface Suggestion {
  sentence: string;
  distance: number;
}

/** The `limit` step sentences closest to `text`, closest first. */
export function closestSteps(text: string, patterns: readonly StepPattern[], limit = 3): Suggestion[] {
  const wanted = abstractStepText(text).toLowerCase();
  const seen = new Set<string>();
  const scored: Suggestion[] = [];
  for (const pattern of patterns) {
    const sentence = humanizePattern(pattern);
    if (seen.has(sentence)) continue;
    seen.add(sentence);
    const distance = Math.min(
      ...variants(sentence).map((v) => editDistance(wanted, abstractStepText(v).toLowerCase())),
    );
    scored.push({ sentence, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.sentence.localeCompare(b.sentence))
    .slice(0, limit);
}
