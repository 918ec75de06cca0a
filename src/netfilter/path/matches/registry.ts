/** Every match the twin knows, by -m name. An unknown name is an error, never a no-op. */
import { addrtypeMatch } from './addrtype.ts';
import { commentMatch } from './comment.ts';

import { conntrackMatch } from './conntrack.ts';
import { icmpMatch } from './icmp.ts';
import { icmp6Match } from './icmp6.ts';
import { iprangeMatch } from './iprange.ts';
import { limitMatch } from './limit.ts';
import { connmarkMatch, markMatch } from './mark.ts';
import type { MatchModule } from './match.ts';
import { multiportMatch } from './multiport.ts';
import { physdevMatch } from './physdev.ts';
import { pkttypeMatch } from './pkttype.ts';
import { recentMatch } from './recent.ts';
import { setMatch } from './set.ts';
import { stateMatch } from './state.ts';
import { tcpMatch } from './tcp.ts';
import { udpMatch } from './udp.ts';

export const MATCHES: ReadonlyMap<string, MatchModule> = new Map(
  [
    tcpMatch,
    udpMatch,
    icmpMatch,
    icmp6Match,
    conntrackMatch,
    stateMatch,
    addrtypeMatch,
    commentMatch,
    multiportMatch,
    setMatch,
    markMatch,
    connmarkMatch,
    iprangeMatch,
    pkttypeMatch,
    limitMatch,
    physdevMatch,
    recentMatch,
  ].map((m) => [m.name, m]),
);
