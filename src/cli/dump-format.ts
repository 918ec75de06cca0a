/**
 * What kind of firewall text a file holds, from its first meaningful line: trace reads
 * iptables-save output and `nft list ruleset` listings, and a file of another kind (an
 * `iptables -L` listing, JSON) is named as what it is, with the command that gives what
 * trace reads, instead of a parse error on line 1.
 */

export type DumpFormat = 'iptables-save' | 'iptables -L' | 'nft list ruleset' | 'json' | 'unknown';

const NFT_FAMILY = '(?:ip|ip6|inet|arp|bridge|netdev)';

/** The format of `text`, judged by its first line that is neither blank nor a # comment. */
export function detectDumpFormat(text: string): DumpFormat {
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (first === undefined) return 'iptables-save'; // empty: an empty ruleset
  if (/^\*[a-z]+$/.test(first) || /^:\S+ \S+ \[\d+:\d+\]$/.test(first)) return 'iptables-save';
  if (new RegExp(`^table ${NFT_FAMILY} \\S+ \\{`).test(first) || /^(flush|add|define) /.test(first))
    return 'nft list ruleset';
  if (/^Chain \S+ \((?:policy [A-Z]+|\d+ references)/.test(first)) return 'iptables -L';
  if (/^[[{]/.test(first)) return 'json';
  return 'unknown';
}

/** Why `file` cannot be read as an iptables-save dump, or undefined when it may be one. */
export function wrongDumpFormat(file: string, text: string): string | undefined {
  const format = detectDumpFormat(text);
  const wanted =
    'trace reads iptables-save output (on the host: `iptables-save -c > FILE`) and `nft list ruleset` output';
  switch (format) {
    case 'iptables -L':
      return `${file}: this is an \`iptables -L\` listing; ${wanted} — a listing leaves out interfaces and match details`;
    case 'json':
      return `${file}: this is JSON; ${wanted} — a \`nettwin snapshot\` file goes to --snapshot`;
    default:
      return undefined;
  }
}
