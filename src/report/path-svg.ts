/**
 * One flow as a picture: for each packet (request lane on the left, reply lane on the
 * right) the hooks it crossed top to bottom, the tables and rules that looked at it,
 * the rule that decided, address rewrites, and where it ended (delivered or dropped).
 * Self-contained SVG: generic font families, no scripts, no external references.
 */
import type { PathStep } from '../netfilter/host-types.ts';
import { HOOKS, type Hook } from '../netfilter/types.ts';
import { escapeXml } from './escape.ts';
import { HOOK_WORDS, stepWords, TONE_COLOURS, TONE_WORDS, type Tone, toneOf } from './path-words.ts';

export interface PathSvgOptions {
  /** Heading, e.g. "ICMP 172.17.0.2 → 172.30.0.2 (3 pings)". */
  title?: string;
}

interface Lane {
  packet: number;
  direction: 'request' | 'reply';
  steps: PathStep[];
  /** Later packets that took exactly the same path, drawn once. */
  alsoPackets: number[];
}

interface Stage {
  title: string;
  tone: Tone;
  steps: PathStep[];
}

const LANE_WIDTH = 680;
const GAP = 24;
const LINE = 16;
const MAX_CHARS = 97;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const MONO = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"';

export function renderPathSvg(path: PathStep[], options: PathSvgOptions = {}): string {
  const lanes = splitLanes(path);
  const body: string[] = [];
  let y = 0;
  const title = options.title ?? describeFlow(path);
  body.push(text(12, 24, title, { size: 16, weight: 'bold' }));
  y = 34;
  body.push(...legend(12, y));
  y += 30;

  if (lanes.length === 0) {
    body.push(text(12, y + 14, 'No packet was sent (empty path).', { size: 13 }));
    y += 30;
  }
  const packets = [...new Set(lanes.map((l) => l.packet))];
  for (const packet of packets) {
    let rowHeight = 0;
    for (const direction of ['request', 'reply'] as const) {
      const lane = lanes.find((l) => l.packet === packet && l.direction === direction);
      const x = 12 + (direction === 'request' ? 0 : LANE_WIDTH + GAP);
      if (!lane) {
        if (direction === 'reply' && !lanes.some((l) => l.direction === 'reply')) {
          body.push(text(x, y + 14, 'No reply came back.', { size: 14, weight: 'bold', fill: '#757575' }));
        }
        continue;
      }
      const drawn = drawLane(lane, x, y);
      body.push(drawn.svg);
      rowHeight = Math.max(rowHeight, drawn.height);
    }
    y += rowHeight + GAP;
  }
  const width = 12 * 2 + LANE_WIDTH * 2 + GAP;
  const height = y + 4;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function describeFlow(path: PathStep[]): string {
  const first = path.find((s) => s.direction === 'request') ?? path[0];
  if (!first) return 'Packet path';
  return `Packet path: ${first.src} → ${first.dst}`;
}

/** Groups steps per packet and direction; a path identical to an earlier packet's is drawn once. */
export function splitLanes(path: PathStep[]): Lane[] {
  const all: Lane[] = [];
  for (const step of path) {
    let lane = all.find((l) => l.packet === step.packet && l.direction === step.direction);
    if (!lane) {
      lane = { packet: step.packet, direction: step.direction, steps: [], alsoPackets: [] };
      all.push(lane);
    }
    lane.steps.push(step);
  }
  const kept: Lane[] = [];
  const signature = (l: Lane) =>
    l.steps.map((s) => [s.kind, s.table, s.chain, s.rule, s.text, s.src, s.dst].join('|')).join('\n');
  for (const lane of all) {
    const same = kept.find((k) => k.direction === lane.direction && signature(k) === signature(lane));
    if (same) same.alsoPackets.push(lane.packet);
    else kept.push(lane);
  }
  return kept;
}

const hookIn = (s: string | undefined): Hook | undefined => HOOKS.find((h) => s !== undefined && s === h);
const hookInText = (s: string): Hook | undefined => HOOKS.find((h) => new RegExp(`\\b${h}\\b`).test(s));

/** Cuts a lane into boxes: one per hook crossed, the routing decision, and the end. */
export function splitStages(steps: PathStep[]): Stage[] {
  const stages: Stage[] = [];
  let current: Stage | undefined;
  let hook: Hook | undefined;
  const open = (title: string, tone: Tone) => {
    current = { title, tone, steps: [] };
    stages.push(current);
    return current;
  };
  for (const step of steps) {
    const stepHook =
      step.kind === 'hook' ? (hookIn(step.chain) ?? hookInText(step.text)) : hookIn(step.chain);
    if (step.kind === 'route') {
      hook = undefined;
      open('Routing decision: where does it go next?', 'route').steps.push(step);
      continue;
    }
    if (step.kind === 'deliver' || step.kind === 'drop' || step.kind === 'socket') {
      const tone = toneOf(step);
      const title =
        step.kind === 'drop' ? 'Dropped' : step.kind === 'socket' ? 'Received by a program' : 'Delivered';
      hook = undefined;
      open(title, tone).steps.push(step);
      continue;
    }
    if (stepHook && stepHook !== hook) {
      hook = stepHook;
      open(`${HOOK_WORDS[stepHook]} (${stepHook})`, 'neutral');
    }
    (current ?? open(step.kind === 'conntrack' ? 'Connection tracking' : 'Start', 'neutral')).steps.push(
      step,
    );
  }
  return stages;
}

function drawLane(lane: Lane, x: number, y0: number): { svg: string; height: number } {
  const out: string[] = [];
  let y = y0;
  const first = lane.steps[0];
  const also = lane.alsoPackets.length > 0 ? ` (also packets ${lane.alsoPackets.join(', ')})` : '';
  const heading = `Packet ${lane.packet} · ${lane.direction === 'request' ? 'request' : 'reply'}${also}`;
  out.push(text(x, y + 14, heading, { size: 14, weight: 'bold' }));
  y += 20;
  if (first) out.push(text(x, y + 12, `from ${first.src} to ${first.dst}`, { size: 12, fill: '#555555' }));
  y += 22;
  let src = first?.src;
  let dst = first?.dst;
  const stages = splitStages(lane.steps);
  stages.forEach((stage, i) => {
    const lines: string[] = [];
    let ly = y + 36;
    for (const step of stage.steps) {
      const tone = toneOf(step);
      const c = TONE_COLOURS[tone];
      lines.push(
        `<circle cx="${x + 16}" cy="${ly - 4}" r="4" fill="${c.stroke}"><title>${escapeXml(TONE_WORDS[tone])}</title></circle>`,
      );
      lines.push(
        text(x + 26, ly, stepWords(step), {
          size: 12,
          fill: c.text,
          weight: tone === 'neutral' ? undefined : 'bold',
        }),
      );
      ly += LINE;
      if (step.text && step.kind !== 'hook') {
        lines.push(mono(x + 26, ly, step.text));
        ly += LINE;
      }
      if (step.src !== src || step.dst !== dst) {
        lines.push(
          text(x + 26, ly, `now from ${step.src} to ${step.dst}`, {
            size: 12,
            fill: TONE_COLOURS.nat.text,
            weight: 'bold',
          }),
        );
        ly += LINE;
        src = step.src;
        dst = step.dst;
      }
    }
    const height = ly - y + 2;
    const c = TONE_COLOURS[stage.tone];
    out.push(
      `<rect x="${x}" y="${y}" width="${LANE_WIDTH}" height="${height}" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`,
    );
    out.push(text(x + 10, y + 15, stage.title, { size: 13, weight: 'bold', fill: c.text }));
    out.push(...lines);
    y += height;
    if (i < stages.length - 1) {
      const mid = x + LANE_WIDTH / 2;
      out.push(
        `<path d="M ${mid} ${y + 2} L ${mid} ${y + 12} M ${mid - 5} ${y + 7} L ${mid} ${y + 12} L ${mid + 5} ${y + 7}" stroke="#757575" stroke-width="1.5" fill="none"/>`,
      );
      y += 14;
    }
  });
  return { svg: `<g class="lane">\n${out.join('\n')}\n</g>`, height: y - y0 };
}

function legend(x0: number, y: number): string[] {
  const out: string[] = [];
  let x = x0;
  for (const tone of ['accept', 'drop', 'nat', 'neutral', 'route'] as const) {
    const c = TONE_COLOURS[tone];
    out.push(`<rect x="${x}" y="${y}" width="14" height="14" rx="3" fill="${c.fill}" stroke="${c.stroke}"/>`);
    out.push(text(x + 20, y + 12, TONE_WORDS[tone], { size: 12 }));
    x += 30 + TONE_WORDS[tone].length * 6.5;
  }
  return out;
}

interface TextStyle {
  size: number;
  weight?: string | undefined;
  fill?: string;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  return `<text x="${x}" y="${y}" ${FONT} font-size="${style.size}"${weight} fill="${style.fill ?? '#212121'}">${escapeXml(content)}</text>`;
}

/** Rule text in monospace; a long rule is cut, the whole text stays in a tooltip. */
function mono(x: number, y: number, content: string): string {
  const cut = content.length > MAX_CHARS ? `${content.slice(0, MAX_CHARS - 1)}…` : content;
  const tip = cut === content ? '' : `<title>${escapeXml(content)}</title>`;
  return `<text x="${x}" y="${y}" ${MONO} font-size="11" fill="#212121">${tip}${escapeXml(cut)}</text>`;
}
