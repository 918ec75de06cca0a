/**
 * `nettwin trace --snapshot FILE`: the host of a `nettwin snapshot` file (its rules,
 * interfaces, routes and containers), with --from/--to names resolved to addresses and
 * --sysctl/--listen applied on top (a what-if on the recorded host); the output names
 * containers where the path mentions their addresses.
 */
import { addressFamily, type Family } from '../netfilter/address/index.ts';
import { iptablesOf, iptablesStateOf, nftablesOf } from '../netfilter/firewall-state.ts';
import type { FlowSpec, HostState } from '../netfilter/host-types.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { formatPath, runFlow } from '../netfilter/path/index.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { SnapshotNames, UnknownNameError } from '../snapshot/names.ts';
import { parseSnapshotJson } from '../snapshot/schema.ts';
import { snapshotToHost } from '../snapshot/to-host.ts';
import { formatJson } from './trace-json.ts';
import {
  parseFamily,
  parseListener,
  rulesetFiles,
  type TraceOptions,
  type TraceOutput,
  TraceUsageError,
} from './trace-options.ts';
import { type PlacementWording, placeFlow } from './trace-placement.ts';

const SNAPSHOT_WORDING: PlacementWording = {
  subnets: "subnet of the snapshot's interfaces",
  defaultRoute: 'default route in the snapshot',
};

/**
 * The host of a snapshot file, with --from/--to names resolved to addresses and the
 * --sysctl/--listen options applied on top (a what-if on the recorded host).
 */
export function buildSnapshotTrace(
  options: TraceOptions,
  readFile: (path: string) => string,
): { host: HostState; flow: FlowSpec; names: SnapshotNames; warnings: string[] } {
  const file = options.snapshot ?? '';
  for (const [given, option] of [
    [rulesetFiles(options).length ? 'x' : undefined, '--ruleset'],
    [options.bridge.length ? 'x' : undefined, '--bridge'],
    [options.iface.length ? 'x' : undefined, '--iface'],
    [options.defaultVia, '--default-via'],
  ] as const) {
    if (given !== undefined)
      throw new TraceUsageError(
        `${option} does not go with --snapshot: the snapshot holds the host's rules, interfaces and routes`,
      );
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new TraceUsageError(
      `--snapshot ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const snapshot = parseSnapshotJson(text, file);
  const { host, endpoints, warnings } = snapshotToHost(snapshot, file);
  const names = new SnapshotNames(snapshot, endpoints);
  for (const s of options.sysctl) {
    const m = /^([\w.\-/]+)=(.*)$/.exec(s);
    if (!m) throw new TraceUsageError(`--sysctl "${s}": expected KEY=VALUE, e.g. net.ipv4.ip_forward=0`);
    host.sysctls[(m[1] as string).replaceAll('/', '.')] = m[2] as string;
  }
  host.listeners.push(...options.listen.map(parseListener));
  let from: string;
  let to: string;
  try {
    const family = flowFamily(options, names);
    from = names.resolveEndpoint(options.from, '--from', family);
    to = names.resolveEndpoint(options.to, '--to', family);
  } catch (error) {
    if (error instanceof UnknownNameError) throw new TraceUsageError(error.message);
    throw error;
  }
  const placed = placeFlow(host, { ...options, from, to }, SNAPSHOT_WORDING);
  return { ...placed, names, warnings };
}

/**
 * Which address of a named container the flow uses: --family; else the family of an
 * address given on the other side; else IPv4, or IPv6 when the named containers have
 * IPv6 addresses only.
 */
function flowFamily(options: TraceOptions, names: SnapshotNames): Family {
  const asked = parseFamily(options.family);
  if (asked) return asked;
  const given = [options.from, options.to].filter((t) => !names.isName(t));
  for (const text of given) {
    const bare = /^\[(.*)\](?::\d+)?$/.exec(text)?.[1] ?? text.replace(/^([\d.]+):\d+$/, '$1');
    const family = addressFamily(bare);
    if (family) return family;
  }
  const named = [options.from, options.to].filter((t) => names.isName(t));
  const has = (f: Family) => named.every((t) => names.familiesOf(t).includes(f));
  return !has('ipv4') && has('ipv6') ? 'ipv6' : 'ipv4';
}

/** `172.18.0.2:80 (web)` reads as `172.18.0.2 (web):80` always did; IPv6 as `[fd30::2]:80 (web)`. */
function withPort(names: SnapshotNames, address: string, port: number | undefined): string {
  if (port === undefined) return names.address(address);
  if (!address.includes(':')) return `${names.address(address)}:${port}`;
  const label = names.address(address).slice(address.length);
  return `[${address}]:${port}${label}`;
}

export function runSnapshotTrace(options: TraceOptions, readFile: (path: string) => string): TraceOutput {
  const { host, flow, names, warnings } = buildSnapshotTrace(options, readFile);
  const result = runFlow(host, flow);
  const named = names.annotate(result);
  const ip6 = iptablesStateOf(host.firewall, 'iptables-nft', 'ipv6');
  const nft = nftablesOf(host.firewall);
  const stdout = options.save
    ? serializeRuleset(iptablesOf(host.firewall), { counters: true }) +
      (ip6 ? serializeRuleset(ip6.ruleset, { counters: true }) : '') +
      (nft ? serializeNftRuleset(nft) : '')
    : options.json
      ? // Machines get addresses as they are; only the path's prose carries names.
        formatJson({ ...result, path: named.path })
      : `${names.address(flow.from)} → ${withPort(names, flow.to, flow.port)} (${flow.protocol}, ${flow.count ?? 1}×)\n${formatPath(named)}`;
  const stderr = warnings.map((w) => `nettwin trace: warning: ${w}\n`).join('');
  return { exitCode: 0, stdout, stderr };
}
