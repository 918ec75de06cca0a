/**
 * Docker's embedded DNS (127.0.0.11) listens on random ports, chosen anew by every
 * daemon; its NAT rules in DOCKER_OUTPUT / DOCKER_POSTROUTING name those ports. Real and
 * predicted rulesets are compared with the port numbers masked, and the twin learns the
 * real ports from a real ruleset.
 */
import type { Ruleset } from '../netfilter/types.ts';

export const DNS_CHAINS: readonly string[] = ['DOCKER_OUTPUT', 'DOCKER_POSTROUTING'];
export const DNS_ADDRESS = '127.0.0.11';

/** What stands in for a masked port number. */
export const MASKED_PORT = '<dns-port>';

/**
 * The rule text with embedded-DNS port numbers replaced by a placeholder: the DNAT
 * `--to-destination 127.0.0.11:PORT` of DOCKER_OUTPUT and the `--sport PORT` of
 * DOCKER_POSTROUTING. Text of any other chain is returned unchanged.
 */
export function maskDnsPorts(chain: string, text: string): string {
  if (!DNS_CHAINS.includes(chain)) return text;
  return text
    .replace(/(--to-destination 127\.0\.0\.11:)\d+/g, `$1${MASKED_PORT}`)
    .replace(/(--sport )\d+/g, `$1${MASKED_PORT}`);
}

export interface DnsPorts {
  tcp?: number;
  udp?: number;
}

/** The embedded-DNS ports a ruleset's DOCKER_OUTPUT DNAT rules point at, per protocol. */
export function findDnsPorts(ruleset: Ruleset): DnsPorts {
  const found: DnsPorts = {};
  const nat = ruleset.tables.find((t) => t.name === 'nat');
  const chain = nat?.chains.find((c) => c.name === 'DOCKER_OUTPUT');
  for (const rule of chain?.rules ?? []) {
    const m = /-p (tcp|udp)\b.*--to-destination 127\.0\.0\.11:(\d+)/.exec(rule.text);
    if (!m) continue;
    const proto = m[1] as 'tcp' | 'udp';
    found[proto] ??= Number(m[2]);
  }
  return found;
}
