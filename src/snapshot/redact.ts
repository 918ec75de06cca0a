/**
 * `nettwin snapshot --redact`: a snapshot to attach to a public bug report. What names
 * the people or the business behind a host is replaced with stable placeholders: the
 * hostname, the names of listening processes that are not Docker's (postgres, a VPN
 * daemon …) and the comments of rules (`-m comment --comment …`). "Stable": one name
 * gets one placeholder everywhere in the file, so rules and listeners still tell apart.
 *
 * Addresses, interface, network and container names stay: they are what a replay and a
 * trace are about. Pure.
 */
import type { Snapshot } from './schema.ts';

/** Listeners owned by Docker itself: their names are the same on every host. */
const DOCKER_OWNERS = new Set(['docker-proxy', 'dockerd']);

export const REDACTED_HOSTNAME = 'redacted-host';

export interface Redaction {
  snapshot: Snapshot;
  /** How many distinct names of each kind were replaced, for the terminal. */
  replaced: { hostname: boolean; processes: number; comments: number };
}

/** Placeholders `prefix-1`, `prefix-2` … by first appearance. */
class Placeholders {
  private readonly given = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  for(name: string): string {
    let placeholder = this.given.get(name);
    if (placeholder === undefined) {
      placeholder = `${this.prefix}-${this.given.size + 1}`;
      this.given.set(name, placeholder);
    }
    return placeholder;
  }
  get size(): number {
    return this.given.size;
  }
}

/**
 * The argument of `--comment` as iptables-save prints it: a bare word, or a double-quoted
 * string with `\"` and `\\` escaped.
 */
const COMMENT = /(--comment )("(?:[^"\\\n]|\\.)*"|[^\s"]+)/g;

function unquote(word: string): string {
  return word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
}

function redactComments(save: string, placeholders: Placeholders): string {
  return save.replace(
    COMMENT,
    (_all, flag: string, word: string) => `${flag}${placeholders.for(unquote(word))}`,
  );
}

export function redactSnapshot(snapshot: Snapshot): Redaction {
  const processes = new Placeholders('process');
  const comments = new Placeholders('comment');
  const { legacySave, ...iptables } = snapshot.iptables;
  const redacted: Snapshot = {
    ...snapshot,
    host: { ...snapshot.host, hostname: snapshot.host.hostname ? REDACTED_HOSTNAME : '' },
    iptables: {
      ...iptables,
      save: redactComments(snapshot.iptables.save, comments),
      ...(legacySave !== undefined ? { legacySave: redactComments(legacySave, comments) } : {}),
    },
    ...(snapshot.ip6tables?.save !== undefined
      ? { ip6tables: { save: redactComments(snapshot.ip6tables.save, comments) } }
      : {}),
    listeners: snapshot.listeners.map((l) =>
      l.owner === undefined || DOCKER_OWNERS.has(l.owner) ? l : { ...l, owner: processes.for(l.owner) },
    ),
  };
  return {
    snapshot: redacted,
    replaced: {
      hostname: snapshot.host.hostname !== '',
      processes: processes.size,
      comments: comments.size,
    },
  };
}
