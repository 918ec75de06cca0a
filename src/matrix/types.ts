/**
 * A reachability matrix: who reaches whom, on which port, and the rule that decided
 * each cell. The words of the matrix are those of the `Then the reachability is:` step:
 * sources are containers, `the host`, `the external client`, `the neighbour`; a
 * destination is a container (its address), a literal address, or the external client,
 * with a port and protocol (`web:80`, `web:53/udp`, `192.168.70.6:8080`). Pure types.
 */

/** What a client saw: an answer, a refusal (RST / port unreachable), silence, or no route. */
export const VERDICTS = ['delivered', 'refused', 'timeout', 'unreachable'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type Proto = 'icmp' | 'tcp' | 'udp';

/**
 * The rule whose verdict decided a cell, as the model's packet path met it: an iptables
 * rule (`-A DOCKER … -j ACCEPT`) or policy (`:FORWARD DROP`), or a native nft rule (table
 * `ip docker-bridges`). null on a cell: nothing filtered it (no listener answered RST, no
 * route, a chain-less path).
 */
export interface DecidingRule {
  table: string;
  chain: string;
  text: string;
}

/** The fixed actors of a Docker host's world, in the step's words. */
export const HOST_WORD = 'the host';
export const EXTERNAL_WORD = 'the external client';
export const NEIGHBOUR_WORD = 'the neighbour';

/** Who sends. `name` is the label the matrix shows (a compose service name, a container name). */
export type Source =
  | { kind: 'container'; name: string }
  | { kind: 'host' }
  | { kind: 'external' }
  | { kind: 'neighbour' };

/**
 * Where to: `to` is a container label, an IPv4 literal, or one of the fixed actors'
 * words; port null for ICMP.
 */
export interface Destination {
  to: string;
  port: number | null;
  proto: Proto;
}

/** One probed pair. */
export interface Cell extends Destination {
  from: string;
  verdict: Verdict;
  rule: DecidingRule | null;
  /** When no rule decided: why, in the packet path's words ("nothing listens on tcp port 9090: RST"). */
  reason?: string;
  /** `--explain`: the request's packet path, one line per step (blocked cells). */
  path?: string[];
}

export interface Matrix {
  cells: Cell[];
}

/** A cell's identity across two matrices: from, to, port and protocol. */
export function cellKey(c: { from: string } & Destination): string {
  return `${c.from}\u0000${c.to}\u0000${c.port ?? ''}\u0000${c.proto}`;
}

/** Input nettwin cannot read as matrix words (exit 2): the message quotes the word. */
export class MatrixSyntaxError extends Error {
  override name = 'MatrixSyntaxError';
}
