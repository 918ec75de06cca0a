/**
 * One flow as a picture: for each packet the hooks it crossed top to bottom, the tables
 * and rules that looked at it, the rule that decided, address rewrites, and where it
 * ended (delivered or dropped). Packets that took the same path through netfilter (the
 * 2nd and 3rd echo request, every ACK of an established connection) are drawn once,
 * headed "×N" with the packets they stand for, so a flow stays readable at its natural
 * size: one column, one line per step, about 940 px wide.
 * Self-contained SVG: generic font families, no scripts, no external references.
 */
import type { PathStep } from '../netfilter/host-types.ts';
import { HOOKS, type Hook } from '../netfilter/types.ts';
import { escapeXml } from './escape.ts';
import { HOOK_WORDS, TONE_COLOURS, TONE_WORDS, type Tone, toneOf } from './path-words.ts';

export interface PathSvgOptions {
  /** Heading, e.g. "ICMP 172.17.0.2 → 172.30.0.2 (3 pings)". */
  title?: string;
}

/** Packets of one direction that took the same path: drawn once. */
interface Lane {
  direction: 'request' | 'reply';
  /** The steps of the first of them. */
  steps: PathStep[];
  /** Every packet the lane stands for, the first included. */
  packets: number[];
  /** What each packet was ("tcp 172.17.0.2:40000 > 172.17.0.3:80 [ACK] (52 bytes)"), in packet order. */
  labels: string[];
}

interface Stage {
  title: string;
  tone: Tone;
  steps: PathStep[];
}

const WIDTH = 940;
const MARGIN = 12;
const BOX = WIDTH - 2 * MARGIN;
const LINE = 16;
const GAP = 18;
const MONO_CHARS = 128;
const TEXT_CHARS = 140;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const MONO = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"';

/**
 * A packet as the tracer describes it: its addresses, then what tells it from the next
 * packet of the connection — `tcp 1.2.3.4:5 > 6.7.8.9:80 [SYN] (60 bytes)`,
 * `icmp 1.2.3.4 > 6.7.8.9 echo-request (84 bytes)`.
 */
const PACKET = String.raw`((?:tcp|udp|icmp) \S+ > \S+) [^()]*\(\d+ bytes\)`;
/** The flow's own closing note (run-flow.ts), shown under the title rather than in a lane. */
const OUTCOME = /^outcome: /;

const isOutcome = (s: PathStep) => s.kind === 'note' && OUTCOME.test(s.text);

export function renderPathSvg(path: PathStep[], options: PathSvgOptions = {}): string {
  const body: string[] = [];
  const title = options.title ?? describeFlow(path);
  body.push(text(MARGIN, 24, title, { size: 16, weight: 'bold' }));
  let y = 34;
  const outcome = path.find(isOutcome);
  if (outcome) {
    body.push(
      text(MARGIN, y + 12, outcome.text.replace(OUTCOME, 'Outcome: '), { size: 13, fill: '#424242' }),
    );
    y += 20;
  }
  body.push(...legend(MARGIN, y + 4));
  y += 30;

  const lanes = splitLanes(path);
  if (lanes.length === 0) {
    body.push(text(MARGIN, y + 14, 'No packet was sent (empty path).', { size: 13 }));
    y += 30;
  }
  for (const lane of lanes) {
    const drawn = drawLane(lane, MARGIN, y);
    body.push(drawn.svg);
    y += drawn.height + GAP;
  }
  if (lanes.length > 0 && !lanes.some((l) => l.direction === 'reply')) {
    body.push(text(MARGIN, y + 4, 'No reply came back.', { size: 14, weight: 'bold', fill: '#757575' }));
    y += 20;
  }
  const height = y + 4;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
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

/** What a step did to the packet, without the words that tell one packet from the next. */
function stepSignature(s: PathStep): string {
  return [s.kind, s.table, s.chain, s.rule, withoutPacket(s.text), s.src, s.dst].join('|');
}

/** The step's words with each packet named by its addresses only: the same for every packet of a connection. */
function withoutPacket(text: string): string {
  return text.replace(new RegExp(PACKET, 'g'), '$1');
}

/** What the packet was, from the first step that describes it ("" if none does). */
function packetLabel(steps: PathStep[]): string {
  const described = new RegExp(PACKET);
  return steps.map((s) => described.exec(s.text)?.[0]).find((l) => l !== undefined) ?? '';
}

/**
 * Groups the steps per packet and direction, in the order packets were sent; a packet
 * whose path matches an earlier one of the same direction step for step joins its lane.
 */
export function splitLanes(path: PathStep[]): Lane[] {
  const perPacket: Array<{ packet: number; direction: Lane['direction']; steps: PathStep[] }> = [];
  for (const step of path) {
    if (isOutcome(step)) continue;
    let entry = perPacket.find((p) => p.packet === step.packet && p.direction === step.direction);
    if (!entry) {
      entry = { packet: step.packet, direction: step.direction, steps: [] };
      perPacket.push(entry);
    }
    entry.steps.push(step);
  }
  const lanes: Lane[] = [];
  const signatures = new Map<Lane, string>();
  for (const p of perPacket) {
    const label = packetLabel(p.steps);
    const signature = p.steps.map(stepSignature).join('\n');
    const same = lanes.find((l) => l.direction === p.direction && signatures.get(l) === signature);
    if (same) {
      same.packets.push(p.packet);
      same.labels.push(label);
      continue;
    }
    const lane: Lane = { direction: p.direction, steps: p.steps, packets: [p.packet], labels: [label] };
    lanes.push(lane);
    signatures.set(lane, signature);
  }
  return lanes;
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
      // "leaves on docker0" then "received by web": one end, one box.
      const last = stages[stages.length - 1];
      if (last && last === current && last.title === title) last.steps.push(step);
      else open(title, tone).steps.push(step);
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

function laneHeading(lane: Lane): { heading: string; detail: string; tip: string } {
  const what = lane.direction === 'request' ? '→ Request' : '← Reply';
  const n = lane.packets.length;
  const heading =
    n === 1 ? `${what}, packet ${lane.packets[0]}` : `${what} ×${n}: packets ${lane.packets.join(', ')}`;
  // Each kind of packet once, with how many there were: `[ACK] (52 bytes) ×2 · [PSH,ACK] (133 bytes)`.
  const counts = new Map<string, number>();
  for (const l of lane.labels) if (l !== '') counts.set(l, (counts.get(l) ?? 0) + 1);
  const kinds = [...counts].map(([l, k]) => ({ l, times: k > 1 && counts.size > 1 ? ` ×${k}` : '' }));
  const tip = lane.labels.filter((l) => l !== '').join('\n');
  const detail =
    kinds.length <= 1
      ? (kinds[0]?.l ?? '')
      : kinds.map(({ l, times }) => `${shortLabel(l)}${times}`).join(' · ');
  return { heading, detail, tip };
}

/** `tcp 1.2.3.4:5 > 6.7.8.9:80 [PSH,ACK] (133 bytes)` → `[PSH,ACK] (133 bytes)`, for packets listed side by side. */
function shortLabel(label: string): string {
  return label.replace(/^\S+ \S+ > \S+ /, '');
}

function drawLane(lane: Lane, x: number, y0: number): { svg: string; height: number } {
  const out: string[] = [];
  let y = y0;
  const { heading, detail, tip } = laneHeading(lane);
  out.push(text(x, y + 14, heading, { size: 14, weight: 'bold' }));
  y += 18;
  if (detail) {
    out.push(text(x, y + 12, detail, { size: 12, fill: '#555555', tip }));
    y += 18;
  }
  y += 4;
  const merged = lane.packets.length > 1;
  let src = lane.steps[0]?.src;
  let dst = lane.steps[0]?.dst;
  const stages = splitStages(lane.steps)
    .map((stage) => ({ ...stage, steps: stage.steps.filter((s) => s.kind !== 'hook') }))
    .filter((stage) => stage.steps.length > 0);
  stages.forEach((stage, i) => {
    const lines: string[] = [];
    let ly = y + 34;
    for (const step of stage.steps) {
      const tone = toneOf(step);
      const c = TONE_COLOURS[tone];
      lines.push(
        `<circle cx="${x + 14}" cy="${ly - 4}" r="4" fill="${c.stroke}"><title>${escapeXml(TONE_WORDS[tone])}</title></circle>`,
      );
      lines.push(stepLine(step, x + 26, ly, merged));
      ly += LINE;
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
    const height = ly - y - 6;
    const c = TONE_COLOURS[stage.tone];
    out.push(
      `<rect x="${x}" y="${y}" width="${BOX}" height="${height}" rx="5" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.2"/>`,
    );
    out.push(text(x + 10, y + 15, stage.title, { size: 13, weight: 'bold', fill: c.text }));
    out.push(...lines);
    y += height;
    if (i < stages.length - 1) {
      const mid = x + 40;
      out.push(
        `<path d="M ${mid} ${y + 1} L ${mid} ${y + 9} M ${mid - 4} ${y + 5} L ${mid} ${y + 9} L ${mid + 4} ${y + 5}" stroke="#757575" stroke-width="1.5" fill="none"/>`,
      );
      y += 10;
    }
  });
  return { svg: `<g class="lane">\n${out.join('\n')}\n</g>`, height: y - y0 };
}

/**
 * One step on one line: a rule or policy as `table  iptables text`, anything else in
 * words. `merged`: the lane stands for several packets, listed in its heading; the line
 * names none of them.
 */
function stepLine(step: PathStep, x: number, y: number, merged: boolean): string {
  const tone = toneOf(step);
  const c = TONE_COLOURS[tone];
  if (step.kind === 'rule' || step.kind === 'policy') {
    const table = step.table ?? '';
    return `${text(x, y, table, { size: 11, fill: '#757575' })}\n${mono(x + 44, y, step.text, tone === 'neutral' ? '#212121' : c.text)}`;
  }
  const words = merged ? withoutPacket(step.text) : step.text;
  return text(x, y, words, {
    size: 12,
    fill: c.text,
    weight: tone === 'neutral' || tone === 'route' ? undefined : 'bold',
  });
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
  /** The whole text as a tooltip (when the shown text is shortened). */
  tip?: string;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  const cut = cutTo(content, TEXT_CHARS);
  const tip = style.tip || cut !== content ? `<title>${escapeXml(style.tip || content)}</title>` : '';
  return `<text x="${x}" y="${y}" ${FONT} font-size="${style.size}"${weight} fill="${style.fill ?? '#212121'}">${tip}${escapeXml(cut)}</text>`;
}

/** Rule text in monospace; a long rule is cut, the whole text stays in a tooltip. */
function mono(x: number, y: number, content: string, fill: string): string {
  const cut = cutTo(content, MONO_CHARS);
  const tip = cut === content ? '' : `<title>${escapeXml(content)}</title>`;
  return `<text x="${x}" y="${y}" ${MONO} font-size="11" fill="${fill}">${tip}${escapeXml(cut)}</text>`;
}

const cutTo = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
