/** Every built-in target the twin knows, by -j name; any other name must be a user chain. */
import { acceptTarget } from './accept.ts';
import { connmarkTarget } from './connmark.ts';
import { dnatTarget } from './dnat.ts';
import { dropTarget } from './drop.ts';
import { logTarget } from './log.ts';
import { markTarget } from './mark.ts';
import { masqueradeTarget } from './masquerade.ts';
import { ctTarget, notrackTarget } from './notrack.ts';
import { redirectTarget } from './redirect.ts';
import { rejectTarget } from './reject.ts';
import { returnTarget } from './return.ts';
import { snatTarget } from './snat.ts';
import type { TargetModule } from './target.ts';
import { tcpmssTarget } from './tcpmss.ts';

export const TARGETS: ReadonlyMap<string, TargetModule> = new Map(
  [
    acceptTarget,
    dropTarget,
    returnTarget,
    rejectTarget,
    logTarget,
    dnatTarget,
    snatTarget,
    masqueradeTarget,
    redirectTarget,
    markTarget,
    connmarkTarget,
    notrackTarget,
    ctTarget,
    tcpmssTarget,
  ].map((t) => [t.name, t]),
);
