/**
 * The rule that decided a cell, read off the model's packet path (src/netfilter/path):
 * for a blocked cell the rule or policy whose DROP/REJECT stopped the request; for a
 * delivered one the last filter rule or policy that accepted its first packet. A cell
 * no rule decided (nothing listens: RST; no route; no neighbour) has none. Pure.
 */
import type { PathStep } from '../netfilter/host-types.ts';
import type { DecidingRule, Verdict } from './types.ts';

/** "nft ip docker-bridges forward (priority 0)": a native base chain's hook step. */
const NFT_HOOK = /^nft (\S+) (\S+) (\S+) \(priority [^)]*\)$/;
/** An nft rule ending in accept: `… counter accept comment "ICC"`. */
const NFT_ACCEPT = /(^|\s)accept(\s+comment\s+"[^"]*")?$/;
/** "  => ACCEPT" after an iptables rule's text: what the rule did. */
const IPT_VERDICT = /\s+=> (.+)$/;

/** A rule or policy step as a DecidingRule, with the native table it ran in (from the hook before it). */
function ruleOf(step: PathStep, nftChain: { table: string; chain: string } | undefined): DecidingRule | null {
  if (step.kind !== 'rule' && step.kind !== 'policy') return null;
  if (step.table !== undefined && step.chain !== undefined) {
    const text = step.text.replace(IPT_VERDICT, '').replace(/ \(falls off the end of [^)]*\)$/, '');
    return { table: step.table, chain: step.chain, text };
  }
  if (!nftChain) return null;
  // Native nft: "CHAIN: RULE", or "policy drop (end of FAMILY TABLE CHAIN)".
  const rule = /^([^:\s]+): (.*)$/.exec(step.text);
  if (rule) return { table: nftChain.table, chain: rule[1] ?? nftChain.chain, text: rule[2] ?? '' };
  const policy = /^policy (\S+) \(end of \S+ \S+ (\S+)\)$/.exec(step.text);
  if (policy)
    return { table: nftChain.table, chain: policy[2] ?? nftChain.chain, text: `policy ${policy[1]}` };
  return null;
}

/** Did this rule or policy step let the packet through (ACCEPT, accept)? */
function accepts(step: PathStep): boolean {
  if (step.kind === 'policy') return /^:\S+ ACCEPT\b/.test(step.text);
  if (step.kind !== 'rule') return false;
  const verdict = IPT_VERDICT.exec(step.text)?.[1];
  if (verdict !== undefined) return verdict === 'ACCEPT';
  // Native nft: a rule whose verdict is accept (a trailing comment allowed); an nft
  // chain's policy is no decision, as nat and raw chains end in "policy accept" too.
  return step.table === undefined && !step.text.startsWith('policy ') && NFT_ACCEPT.test(step.text);
}

/** Is this step in a table that filters (filter, or a native nft chain)? */
function filters(step: PathStep, inNft: boolean): boolean {
  return step.table === 'filter' || (step.table === undefined && inNft);
}

export function decidingRule(path: readonly PathStep[], verdict: Verdict): DecidingRule | null {
  let nft: { table: string; chain: string } | undefined;
  let last: DecidingRule | null = null;
  let lastAccept: DecidingRule | null = null;
  const firstPacket = path[0]?.packet;
  for (const step of path) {
    if (step.kind === 'hook') {
      const m = NFT_HOOK.exec(step.text);
      nft = m ? { table: `${m[1]} ${m[2]}`, chain: m[3] ?? '' } : undefined;
      continue;
    }
    if (step.kind === 'drop') {
      // Blocked: the rule or policy just before the drop (none when the kernel dropped it: ip_forward off).
      if (verdict !== 'delivered') return /^(dropped|rejected)\b.* by /.test(step.text) ? last : null;
      continue;
    }
    const rule = ruleOf(step, nft);
    if (!rule) continue;
    last = rule;
    if (
      verdict === 'delivered' &&
      step.packet === firstPacket &&
      accepts(step) &&
      filters(step, nft !== undefined)
    )
      lastAccept = rule;
  }
  return verdict === 'delivered' ? lastAccept : null;
}

/**
 * Why a cell no rule decided ended as it did, in the path's words: the kernel's drop
 * ("has no route to …", ip_forward off), nothing listening ("nothing listens on tcp port
 * 9090: RST"), or no neighbour answering ARP. undefined when the path says nothing.
 */
export function undecidedReason(path: readonly PathStep[]): string | undefined {
  const drop = path.find((s) => s.kind === 'drop');
  if (drop) return drop.text;
  const socket = path.find((s) => s.kind === 'socket' && /nothing listens|refuse|RST/.test(s.text));
  if (socket) return socket.text;
  return path.find((s) => s.kind === 'note' && /no neighbour|unreachable|does not answer/.test(s.text))?.text;
}

/**
 * `--explain`: the request's way through the host, one line per step, up to the packet
 * that was stopped (or the first request and its answer, when nothing was).
 */
export function explainPath(path: readonly PathStep[]): string[] {
  const dropped = path.find((s) => s.kind === 'drop')?.packet;
  const lastPacket = dropped ?? Math.min(2, path[path.length - 1]?.packet ?? 0);
  const lines: string[] = [];
  let packet = -1;
  for (const step of path) {
    if (step.packet > lastPacket) break;
    if (step.packet !== packet) {
      packet = step.packet;
      lines.push(`packet ${step.packet} (${step.direction})`);
    }
    lines.push(step.kind === 'hook' ? `  ${step.text}` : `    ${step.kind.padEnd(9)} ${step.text}`);
  }
  return lines;
}
