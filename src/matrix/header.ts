/**
 * The words of a reachability table, read and written: a source (`web`, `the host`,
 * `the external client`, `the neighbour`), a destination (`web`, `web:80`, `web:53/udp`,
 * `192.168.70.6:8080`, `the external client`) and an expected cell (`✓`, `✗`, or the
 * precise outcome). Shared by `nettwin matrix` and the `Then the reachability is:` step.
 * Pure; every parser throws MatrixSyntaxError quoting the word and the accepted forms.
 */
import { echo } from '../netfilter/echo.ts';
import {
  type Destination,
  EXTERNAL_WORD,
  HOST_WORD,
  MatrixSyntaxError,
  NEIGHBOUR_WORD,
  type Proto,
  type Source,
  VERDICTS,
  type Verdict,
} from './types.ts';

/** A Docker container or compose service name, or an IPv4 literal (same characters). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const FIXED = new Map<string, Exclude<Source, { kind: 'container' }>>([
  [HOST_WORD, { kind: 'host' }],
  [EXTERNAL_WORD, { kind: 'external' }],
  [NEIGHBOUR_WORD, { kind: 'neighbour' }],
]);

const SOURCE_FORMS = `a container name, "${HOST_WORD}", "${EXTERNAL_WORD}" or "${NEIGHBOUR_WORD}"`;
const DESTINATION_FORMS =
  `NAME (ping), NAME:PORT (tcp), NAME:PORT/udp or NAME:PORT/tcp, where NAME is a container, ` +
  `an IPv4 address, "${HOST_WORD}", "${EXTERNAL_WORD}" or "${NEIGHBOUR_WORD}"`;

/** The words collapse runs of spaces, as a table cell is typed. */
function words(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export function parseSource(text: string): Source {
  const w = words(text);
  const fixed = FIXED.get(w.toLowerCase());
  if (fixed) return { ...fixed };
  if (NAME.test(w)) return { kind: 'container', name: w };
  throw new MatrixSyntaxError(`"${echo(text)}" is not a source: expected ${SOURCE_FORMS}`);
}

export function formatSource(s: Source): string {
  switch (s.kind) {
    case 'container':
      return s.name;
    case 'host':
      return HOST_WORD;
    case 'external':
      return EXTERNAL_WORD;
    case 'neighbour':
      return NEIGHBOUR_WORD;
  }
}

export function parseDestination(text: string): Destination {
  const w = words(text);
  const m = /^(.+?)(?::(\d{1,5})(?:\/(tcp|udp))?)?$/i.exec(w);
  const fail = (why: string) =>
    new MatrixSyntaxError(`"${echo(text)}" is not a destination (${why}): expected ${DESTINATION_FORMS}`);
  if (!m) throw fail('empty');
  const [, rawName = '', rawPort, rawProto] = m;
  const fixed = FIXED.get(rawName.toLowerCase());
  const to = fixed ? rawName.toLowerCase() : rawName;
  if (!fixed && !NAME.test(rawName)) throw fail(`"${echo(rawName)}" is no name or address`);
  if (rawPort === undefined) return { to, port: null, proto: 'icmp' };
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail(`port ${rawPort} is not 1..65535`);
  return { to, port, proto: (rawProto?.toLowerCase() as Proto | undefined) ?? 'tcp' };
}

/** The inverse of parseDestination: tcp is implicit, udp is written, ICMP has no port. */
export function formatDestination(d: Destination): string {
  if (d.port === null) return d.to;
  return `${d.to}:${d.port}${d.proto === 'udp' ? '/udp' : ''}`;
}

/**
 * Why a pair crosses no Docker host, or undefined when it does: an outside machine to
 * itself, or the external client and the neighbour, which meet on the LAN (a switch) and
 * never pass the host's netfilter: neither the model nor the twin has anything to say.
 */
export function pastTheHost(source: Source, d: Destination): string | undefined {
  const from =
    source.kind === 'external' ? EXTERNAL_WORD : source.kind === 'neighbour' ? NEIGHBOUR_WORD : undefined;
  const to = d.to === EXTERNAL_WORD || d.to === NEIGHBOUR_WORD ? d.to : undefined;
  if (from === undefined || to === undefined) return undefined;
  return from === to
    ? `"${from}" to itself never leaves it`
    : `"${from}" and "${to}" meet on the LAN, past the Docker host`;
}

/** An expected cell: a precise outcome, or `blocked` (any outcome but delivered). */
export type Expected = Verdict | 'blocked';

const EXPECTED = new Map<string, Expected>([
  ['✓', 'delivered'],
  ['✔', 'delivered'],
  ['yes', 'delivered'],
  ['ok', 'delivered'],
  ['✗', 'blocked'],
  ['✘', 'blocked'],
  ['x', 'blocked'],
  ['no', 'blocked'],
  ['blocked', 'blocked'],
  ...VERDICTS.map((v): [string, Expected] => [v, v]),
]);

export function parseExpected(text: string): Expected {
  const e = EXPECTED.get(words(text).toLowerCase());
  if (e) return e;
  throw new MatrixSyntaxError(
    `"${echo(text)}" is not a cell: expected ✓ or ✗, or one of ${VERDICTS.join(', ')}`,
  );
}

export function cellMatches(expected: Expected, actual: Verdict): boolean {
  return expected === 'blocked' ? actual !== 'delivered' : expected === actual;
}

/** A verdict as a table cell: ✓ for delivered, else the outcome's word (parseExpected reads both). */
export function formatVerdict(v: Verdict): string {
  return v === 'delivered' ? '✓' : v;
}
