/**
 * The raw outputs of the commands `nettwin snapshot` runs on a host, put together as a
 * Snapshot. Pure: collect.ts runs the commands, this reads what they printed, with the
 * parsers the DinD layer uses on its own hosts.
 */
import { parseIpAddrJson, parseIpRouteJson } from '../dind/parse/ip-json.ts';
import { parseDockerProxies, parseListeners } from '../dind/parse/listeners.ts';
import { canonicalAddress, isAddress } from '../netfilter/address/index.ts';
import { nativeListing } from '../netfilter/nft/native-tables.ts';
import { reduceContainers, reduceNetworks } from './docker-objects.ts';
import { parseIp6Addresses, parseIp6RouteJson } from './ip6.ts';
import { parseJsonArray } from './json-array.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot, validateSnapshot } from './schema.ts';

/** What each command printed (stdout). */
export interface RawHostOutputs {
  takenAt: string;
  /** `hostname` */
  hostname: string;
  /** `uname -r` */
  kernel?: string;
  /** `iptables --version` */
  iptablesVersion: string;
  /** `iptables-save -c` */
  iptablesSave: string;
  /** `iptables-legacy-save -c` where the command exists (on an nft host: the other backend). */
  legacySave?: string;
  /**
   * `ip6tables-save -c`, or why there is none (ip6tables not installed, a kernel without
   * IPv6). Neither: a raw recording from before IPv6 was recorded.
   */
  ip6tablesSave?: string;
  ip6tablesAbsent?: string;
  /** `nft --version` and `nft list ruleset` (stdout, then stderr: nft 1.0 marks iptables-nft's tables there). */
  nftVersion?: string;
  nftList?: string;
  /** `ip -j -d addr`, `ip -j -d link`, `ip -j route` */
  ipAddrJson: string;
  ipLinkJson: string;
  ipRouteJson: string;
  /** `ip -j -6 route` (absent in a recording from before IPv6 was recorded). */
  ip6RouteJson?: string;
  /** `sysctl -e KEY…` and `sysctl -a --pattern route_localnet`: `key = value` lines. */
  sysctl: string;
  /** `docker version --format '{{json .}}'` */
  dockerVersionJson: string;
  /** `docker network inspect <all>` and `docker inspect <all containers>` (JSON arrays). */
  networksJson: string;
  containersJson: string;
  /** `ss -Hltnup` and the docker-proxy lines of `ps -eo pid=,args=` (no other process lines). */
  ss: string;
  dockerProxyPs: string;
}

/** `-A` lines of an iptables-save dump, with or without `-c` counters in front. */
export const RULE_LINE = /^(?:\[\d+:\d+\] )?-A /gm;

/** A dump holds rules when a chain has a rule or a built-in chain a non-ACCEPT policy. */
export function dumpHasRules(save: string): boolean {
  return new RegExp(RULE_LINE.source, 'm').test(save) || /^:\S+ (DROP|REJECT)\b/m.test(save);
}

/** `key = value` lines of sysctl(8). */
export function parseSysctlLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w.\-/]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[(m[1] as string).replaceAll('/', '.')] = (m[2] as string).replace(/\s+/g, ' ');
  }
  return out;
}

interface IpLinkEntry {
  ifname?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

/**
 * The snapshot of a host's outputs. `warn` hears what was left out (a multipath route, a
 * foreign address form): the snapshot is still whole for what the twin models.
 */
export function assembleSnapshot(raw: RawHostOutputs, warn: (text: string) => void = () => {}): Snapshot {
  const inet6 = parseIp6Addresses(raw.ipAddrJson);
  const routes6 = raw.ip6RouteJson === undefined ? undefined : parseIp6RouteJson(raw.ip6RouteJson);
  for (const skipped of [...inet6.skipped, ...(routes6?.skipped ?? [])]) warn(`left out: ${skipped}`);
  const links = new Map(
    parseJsonArray<IpLinkEntry>(raw.ipLinkJson, 'ip -j -d link').map((l) => [l.ifname ?? '', l]),
  );
  const interfaces = parseIpAddrJson(raw.ipAddrJson).map((i) => {
    const link = links.get(i.name);
    return {
      name: i.name,
      kind: i.kind,
      // inet first, then inet6: `ip addr`'s order within each family.
      addresses: [...i.addresses, ...(inet6.value.get(i.name) ?? [])],
      up: i.up ?? false,
      ...(link?.master ? { master: link.master } : {}),
      ...(link?.linkinfo?.info_kind ? { linkKind: link.linkinfo.info_kind } : {}),
    };
  });
  const version = JSON.parse(raw.dockerVersionJson) as {
    Server?: { Version?: string; ApiVersion?: string } | null;
  };
  const listeners = parseListeners(raw.ss, parseDockerProxies(raw.dockerProxyPs))
    // Sockets of either family; the relay's target must be an address too.
    .filter((l) => isAddress(l.address) && (!l.forwardTo || isAddress(l.forwardTo.address)))
    // IPv6 in the one form the file keeps ([::ffff:0:0] and the like read back equal).
    .map((l) => ({
      ...l,
      address: canonicalAddress(l.address),
      ...(l.forwardTo
        ? { forwardTo: { ...l.forwardTo, address: canonicalAddress(l.forwardTo.address) } }
        : {}),
    }));
  const legacy = raw.legacySave !== undefined && dumpHasRules(raw.legacySave) ? raw.legacySave : undefined;
  const backend = /legacy/.test(raw.iptablesVersion) ? 'legacy' : 'nft';
  // Native nft tables (firewalld, a distribution's inet filter, Docker 29's docker-bridges);
  // iptables-nft's own tables are in iptables.save already.
  const nftRuleset =
    raw.nftList === undefined
      ? undefined
      : nativeListing(raw.nftList, {
          iptablesNftTables:
            backend === 'nft' ? [...raw.iptablesSave.matchAll(/^\*(\w+)$/gm)].map((m) => m[1] as string) : [],
        });
  const snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    takenAt: raw.takenAt,
    host: { hostname: raw.hostname.trim(), ...(raw.kernel ? { kernel: raw.kernel.trim() } : {}) },
    docker: {
      serverVersion: version.Server?.Version ?? '',
      ...(version.Server?.ApiVersion ? { apiVersion: version.Server.ApiVersion } : {}),
    },
    iptables: {
      version: raw.iptablesVersion.trim(),
      backend,
      save: raw.iptablesSave,
      ...(legacy ? { legacySave: legacy } : {}),
    },
    ...(raw.ip6tablesSave !== undefined
      ? { ip6tables: { save: raw.ip6tablesSave } }
      : raw.ip6tablesAbsent !== undefined
        ? { ip6tables: { absent: raw.ip6tablesAbsent.trim() || 'ip6tables-save printed nothing' } }
        : {}),
    ...(nftRuleset ? { nftables: { version: (raw.nftVersion ?? '').trim(), ruleset: nftRuleset } } : {}),
    interfaces,
    // Only IPv4 routes of the main table: what the twin routes by.
    routes: parseIpRouteJson(raw.ipRouteJson).filter(
      (r) => r.destination === 'default' || isAddress(r.destination.split('/')[0] ?? '', 'ipv4'),
    ),
    ...(routes6 ? { routes6: routes6.value } : {}),
    sysctls: parseSysctlLines(raw.sysctl),
    networks: reduceNetworks(parseJsonArray(raw.networksJson, 'docker network inspect')),
    containers: reduceContainers(parseJsonArray(raw.containersJson, 'docker inspect')),
    listeners,
  };
  // What we write must be what we can read back.
  return validateSnapshot(snapshot, '(being taken)');
}
