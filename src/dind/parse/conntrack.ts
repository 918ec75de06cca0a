/**
 * `conntrack -L` lines: which source address a receiver saw. The reply tuple of a
 * flow goes from the receiver back to the address it saw, so for receiver A the
 * answer is the reply `dst` of an entry whose reply `src` is A. ICMP entries are
 * preferred (ping steps ask this; connection steps get it from the listener's log),
 * and among them the most recent one: the largest remaining timeout.
 */
export interface ConntrackEntry {
  protocol: string;
  timeout: number;
  original: { src: string; dst: string };
  reply: { src: string; dst: string };
}

export function parseConntrack(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length < 4) continue;
    const srcs = words.filter((w) => w.startsWith('src=')).map((w) => w.slice(4));
    const dsts = words.filter((w) => w.startsWith('dst=')).map((w) => w.slice(4));
    if (srcs.length < 2 || dsts.length < 2) continue;
    out.push({
      protocol: words[0] as string,
      timeout: Number(words[2]),
      original: { src: srcs[0] as string, dst: dsts[0] as string },
      reply: { src: srcs[1] as string, dst: dsts[1] as string },
    });
  }
  return out;
}

export function seenSourceFor(
  entries: ConntrackEntry[],
  receiver: string | readonly string[],
): string | undefined {
  // A receiver with an address of each family: entries of both (`conntrack -L -f ipv6` too).
  const addresses = typeof receiver === 'string' ? [receiver] : receiver;
  const mine = entries.filter((e) => addresses.includes(e.reply.src));
  const rank = (e: ConntrackEntry) =>
    (e.protocol === 'icmp' || e.protocol === 'icmpv6' ? 1e9 : 0) + e.timeout;
  mine.sort((a, b) => rank(b) - rank(a));
  return mine[0]?.reply.dst;
}

/** The peer of the last "Connection received on ADDR PORT" of netcat-openbsd -v. */
export function lastNetcatPeer(log: string): string | undefined {
  const peers = [...log.matchAll(/Connection (?:received on|from) \[?([0-9.]+)\]?/g)];
  return peers.at(-1)?.[1];
}
