/**
 * Generated nft listings for the bench: Docker 29's `table ip docker-bridges` with N bridge
 * networks, in the shape moby documents at docker-v29.7.2
 * (integration/network/bridge/nftablesdoc/generated/new-daemon.md, usernet-portmap.md):
 * four verdict maps keyed by interface name, four chains per bridge; and a host table
 * that drops a set of denied source addresses in prerouting.
 */

export interface BridgeNetwork {
  bridge: string;
  subnet: string;
  gateway: string;
}

/** docker0 first, then N-1 user networks `br-<12 hex>` on 10.b.c.0/24. */
export function bridgeNetworks(count: number): BridgeNetwork[] {
  const out: BridgeNetwork[] = [{ bridge: 'docker0', subnet: '172.17.0.0/16', gateway: '172.17.0.1' }];
  for (let i = 1; i < count; i++) {
    const id = (0x9559b3f84d38 + i * 7919).toString(16).slice(-12).padStart(12, '0');
    out.push({
      bridge: `br-${id}`,
      subnet: `10.${i >> 8}.${i & 255}.0/24`,
      gateway: `10.${i >> 8}.${i & 255}.1`,
    });
  }
  return out;
}

/** `elements = { a,\n\t\t\t     b }` as nft wraps a map of strings: one element per line. */
function elements(items: string[]): string {
  return `\t\telements = { ${items.join(',\n\t\t\t     ')} }\n`;
}

function vmap(name: string, nets: BridgeNetwork[], chain: string): string {
  const items = nets.map((n) => `"${n.bridge}" : jump ${chain}__${n.bridge}`);
  return `\tmap ${name} {\n\t\ttype ifname : verdict\n${elements(items)}\t}\n`;
}

/** What Docker 29's nftables backend writes for these networks (no published ports). */
export function docker29Table(nets: BridgeNetwork[]): string {
  const parts = [
    vmap('filter-forward-in-jumps', nets, 'filter-forward-in'),
    vmap('filter-forward-out-jumps', nets, 'filter-forward-out'),
    vmap('nat-postrouting-in-jumps', nets, 'nat-postrouting-in'),
    vmap('nat-postrouting-out-jumps', nets, 'nat-postrouting-out'),
    `\tchain filter-FORWARD {
\t\ttype filter hook forward priority filter; policy accept;
\t\toifname vmap @filter-forward-in-jumps
\t\tiifname vmap @filter-forward-out-jumps
\t}
`,
    `\tchain nat-OUTPUT {
\t\ttype nat hook output priority dstnat; policy accept;
\t\tip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output
\t}
`,
    `\tchain nat-POSTROUTING {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tiifname vmap @nat-postrouting-out-jumps
\t\toifname vmap @nat-postrouting-in-jumps
\t}
`,
    `\tchain nat-PREROUTING {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\tfib daddr type local counter jump nat-prerouting-and-output
\t}
`,
    '\tchain nat-prerouting-and-output {\n\t}\n',
    '\tchain raw-PREROUTING {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t}\n',
  ];
  for (const n of nets) {
    parts.push(
      `\tchain filter-forward-in__${n.bridge} {
\t\tct state established,related counter accept
\t\tiifname "${n.bridge}" counter accept comment "ICC"
\t\tcounter drop comment "UNPUBLISHED PORT DROP"
\t}
`,
      `\tchain filter-forward-out__${n.bridge} {
\t\tct state established,related counter accept
\t\tcounter accept comment "OUTGOING"
\t}
`,
      `\tchain nat-postrouting-in__${n.bridge} {\n\t}\n`,
      `\tchain nat-postrouting-out__${n.bridge} {
\t\toifname != "${n.bridge}" ip saddr ${n.subnet} counter masquerade comment "MASQUERADE"
\t}
`,
    );
  }
  return `table ip docker-bridges {\n${parts.join('\n')}}\n`;
}

/** `count` addresses in 198.18.0.0/15 (benchmarking space), none of them a bench endpoint. */
export function deniedAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
}

/** A host table dropping `denied` sources in prerouting, before conntrack (priority raw). */
export function deniedSetTable(denied: string[]): string {
  const rows: string[] = [];
  for (let i = 0; i < denied.length; i += 5) rows.push(denied.slice(i, i + 5).join(', '));
  return `table inet host-deny {
\tset denied {
\t\ttype ipv4_addr
\t\telements = { ${rows.join(',\n\t\t\t     ')} }
\t}

\tchain prerouting {
\t\ttype filter hook prerouting priority raw; policy accept;
\t\tip saddr @denied counter drop
\t}
}
`;
}
