/**
 * Where `nettwin trace` puts things: the host its options describe (rulesets, interfaces,
 * routes, sysctls, listeners) and the flow's endpoints on it. A source that is a local
 * address is the host itself; one inside a bridge's or interface's subnet is a neighbour
 * behind it; anything else arrives on the default route's interface. Whatever a relay or
 * a DNAT rule sends into a subnet is a container serving that port.
 */
import { addressFamily } from '../netfilter/address/index.ts';
import { iptablesOf, iptablesStateOf } from '../netfilter/firewall-state.ts';
import type { FlowProtocol, FlowSpec, HostInterface, HostState, Neighbour } from '../netfilter/host-types.ts';
import { parseIp, prefixTest } from '../netfilter/path/ip.ts';
import type { Ruleset } from '../netfilter/types.ts';
import {
  parseEndpoint,
  parseFamily,
  parseInterface,
  parseListener,
  rulesetFiles,
  type TraceOptions,
  TraceUsageError,
} from './trace-options.ts';
import { loadTraceRulesets, TraceRulesetError, type TraceRulesets } from './trace-rulesets.ts';

/** iptables-legacy creates every built-in chain; iptables-nft only those with rules or a DROP policy. */
function nftLazy(ruleset: Ruleset): boolean {
  const comments = ruleset.tables.flatMap((t) => t.leadingComments).join('\n');
  if (/\(legacy\)|iptables-save v1\.[0-6]\./.test(comments)) return false;
  return true;
}

/** How placement errors name where subnets and the default route come from. */
export interface PlacementWording {
  /** e.g. "--bridge/--iface subnet" */
  subnets: string;
  /** e.g. "--default-via" */
  defaultRoute: string;
}

const OPTION_WORDING: PlacementWording = {
  subnets: '--bridge/--iface subnet',
  defaultRoute: '--default-via',
};

function loadRulesets(options: TraceOptions, readFile: (path: string) => string): TraceRulesets {
  try {
    return loadTraceRulesets(rulesetFiles(options), readFile);
  } catch (error) {
    if (error instanceof TraceRulesetError) throw new TraceUsageError(error.message);
    throw error;
  }
}

/** The host the options describe: rulesets, interfaces, routes, sysctls, listeners; no neighbours yet. */
function hostFromOptions(loaded: TraceRulesets, options: TraceOptions): HostState {
  const ruleset = iptablesOf(loaded.firewall);
  const ruleset6 = iptablesStateOf(loaded.firewall, 'iptables-nft', 'ipv6')?.ruleset;
  const interfaces: HostInterface[] = [
    {
      name: 'lo',
      kind: 'loopback',
      addresses: [
        { address: '127.0.0.1', prefix: 8 },
        { address: '::1', prefix: 128 },
      ],
    },
    ...options.bridge.map((b) => parseInterface('--bridge', b, 'bridge')),
    ...options.iface.map((i) => parseInterface('--iface', i, 'ether')),
  ];
  const names = new Set<string>();
  for (const i of interfaces) {
    if (names.has(i.name))
      throw new TraceUsageError(`interface "${i.name}" is given twice (--bridge/--iface)`);
    names.add(i.name);
  }
  const routes: HostState['routes'] = [];
  const gateways = options.defaultVia === undefined ? [] : [options.defaultVia].flat();
  const families = new Set<string>();
  for (const via of gateways) {
    const family = addressFamily(via);
    if (family === undefined) throw new TraceUsageError(`--default-via "${via}": not an IP address`);
    if (families.has(family))
      throw new TraceUsageError(
        `--default-via ${via}: a second ${family === 'ipv6' ? 'IPv6' : 'IPv4'} default route (give one per family)`,
      );
    families.add(family);
    const dev = subnetOf(interfaces, via);
    if (!dev) {
      throw new TraceUsageError(`--default-via ${via}: no --iface/--bridge subnet contains this gateway`);
    }
    routes.push({ destination: family === 'ipv6' ? '::/0' : 'default', dev: dev.name, via });
  }
  const sysctls: Record<string, string> = { 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1' };
  for (const s of options.sysctl) {
    const m = /^([\w.\-/]+)=(.*)$/.exec(s);
    if (!m) throw new TraceUsageError(`--sysctl "${s}": expected KEY=VALUE, e.g. net.ipv4.ip_forward=0`);
    sysctls[(m[1] as string).replaceAll('/', '.')] = m[2] as string;
  }
  return {
    firewall: loaded.firewall,
    interfaces,
    routes,
    sysctls,
    listeners: options.listen.map(parseListener),
    neighbours: [],
    // A dump of either family from iptables-legacy: every built-in chain counts.
    nftLazyBuiltinChains: nftLazy(ruleset) && (!ruleset6 || nftLazy(ruleset6)),
  };
}

/** The non-loopback interface whose subnet (of the address's family) holds `address`. */
function subnetOf(interfaces: readonly HostInterface[], address: string): HostInterface | undefined {
  const value = parseIp(address);
  return interfaces.find(
    (i) => i.kind !== 'loopback' && i.addresses.some((a) => prefixTest(`${a.address}/${a.prefix}`)(value)),
  );
}

export function buildTrace(
  options: TraceOptions,
  readFile: (path: string) => string,
): { host: HostState; flow: FlowSpec; loaded: TraceRulesets } {
  const loaded = loadRulesets(options, readFile);
  return { ...placeFlow(hostFromOptions(loaded, options), options, OPTION_WORDING), loaded };
}

/**
 * The flow of --from/--to/--proto/--count on a described host, and the neighbours it
 * needs: the sender, the receiver, and whatever a relay or DNAT rule sends into a
 * subnet. Neighbours the host already has (a snapshot's containers) are kept; a
 * receiver that is one of them is given the --to port to serve.
 */
export function placeFlow(
  base: HostState,
  options: Pick<TraceOptions, 'from' | 'to' | 'proto' | 'count' | 'family' | 'coldNeighbours' | 'neighbour'>,
  wording: PlacementWording,
): { host: HostState; flow: FlowSpec } {
  const { interfaces, listeners } = base;
  const from = parseEndpoint('--from', options.from);
  if (from.port !== undefined)
    throw new TraceUsageError(
      `--from "${options.from}": give an address only (the client port is ephemeral)`,
    );
  const to = parseEndpoint('--to', options.to);
  const family = addressFamily(from.address);
  if (family !== addressFamily(to.address))
    throw new TraceUsageError(
      `--from ${from.address} and --to ${to.address} are of different families: a flow is IPv4 or IPv6`,
    );
  const asked = parseFamily(options.family);
  if (asked !== undefined && asked !== family)
    throw new TraceUsageError(
      `--family ${asked} but --from ${from.address} and --to ${to.address} are ${family === 'ipv6' ? 'IPv6' : 'IPv4'} addresses`,
    );
  // The packet's family picks the ruleset (iptables' or ip6tables') and the default route.
  const ruleset =
    family === 'ipv6'
      ? (iptablesStateOf(base.firewall, 'iptables-nft', 'ipv6')?.ruleset ?? { tables: [] })
      : iptablesOf(base.firewall);
  const defaultDev = base.routes.find((r) =>
    family === 'ipv6' ? r.destination === '::/0' : r.destination === 'default',
  )?.dev;
  const protocol = (options.proto ?? (to.port === undefined ? 'icmp' : 'tcp')) as FlowProtocol;
  if (!['icmp', 'tcp', 'udp'].includes(protocol))
    throw new TraceUsageError(`--proto "${options.proto}": expected icmp, tcp or udp`);
  if (protocol !== 'icmp' && to.port === undefined) {
    throw new TraceUsageError(`--to "${options.to}": a ${protocol} flow needs a port (--to IP:PORT)`);
  }
  const count = options.count === undefined ? 1 : Number(options.count);
  if (!Number.isInteger(count) || count < 1)
    throw new TraceUsageError(`--count "${options.count}": expected a positive integer`);

  const isLocal = (address: string) => {
    if (address.startsWith('127.')) return true;
    const value = parseIp(address);
    return interfaces.some((i) =>
      i.addresses.some(
        (a) => a.address.includes(':') === address.includes(':') && parseIp(a.address) === value,
      ),
    );
  };
  const place = (address: string, role: string): string => {
    const dev = subnetOf(interfaces, address)?.name ?? defaultDev;
    if (!dev) {
      throw new TraceUsageError(
        `${role} ${address} is in no ${wording.subnets} and there is no ${wording.defaultRoute} to reach it`,
      );
    }
    return dev;
  };
  const neighbours: Neighbour[] = base.neighbours.map((n) => ({ ...n }));
  const known = (address: string) => neighbours.find((n) => n.address === address);
  if (!isLocal(from.address) && !known(from.address))
    neighbours.push({ name: 'client', address: from.address, dev: place(from.address, '--from') });
  if (!isLocal(to.address) && to.address !== from.address) {
    const listenersOf: NonNullable<Neighbour['listeners']> =
      protocol === 'icmp' || to.port === undefined ? [] : [{ protocol, port: to.port }];
    const existing = known(to.address);
    if (existing) {
      const serves = existing.listeners ?? [];
      for (const l of listenersOf)
        if (!serves.some((s) => s.protocol === l.protocol && s.port === l.port)) serves.push(l);
      existing.listeners = serves;
    } else {
      neighbours.push({
        name: 'server',
        address: to.address,
        dev: place(to.address, '--to'),
        listeners: listenersOf,
      });
    }
  }
  // Whatever a relay or a DNAT rule sends into a bridge/interface subnet is a container
  // serving that port (docker-proxy's backend; the target of a published port).
  const served = new Map<string, Set<number>>();
  const serve = (address: string, port: number | undefined, anyFamily = false) => {
    if (!anyFamily && addressFamily(address) !== family) return;
    if (isLocal(address) || !subnetOf(interfaces, address)) return;
    const ports = served.get(address) ?? new Set<number>();
    if (port !== undefined) ports.add(port);
    served.set(address, ports);
  };
  // docker-proxy on [::] relays to an IPv4-only container too: its backend serves either way.
  for (const l of listeners) if (l.forwardTo) serve(l.forwardTo.address, l.forwardTo.port, true);
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const target = rule.spec.target;
        if (target?.name !== 'DNAT') continue;
        const dest = target.options.find((o) => o.name === 'to-destination')?.args[0] ?? '';
        const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?/.exec(dest) ?? /^([0-9.]+)(?::(\d+))?/.exec(dest);
        const bare6 = m ? undefined : /^([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*)$/.exec(dest);
        const found = m ?? bare6;
        if (found && addressFamily(found[1] as string) === family)
          serve(found[1] as string, found[2] === undefined ? to.port : Number(found[2]));
      }
    }
  }
  const protocols = protocol === 'udp' ? (['udp'] as const) : (['tcp'] as const);
  for (const [address, ports] of served) {
    const wanted = [...ports].flatMap((port) => protocols.map((p) => ({ protocol: p, port })));
    const existing = known(address);
    if (existing) {
      // A snapshot's container behind a published port: it serves what the rules send it.
      const serves = existing.listeners ?? [];
      for (const l of wanted)
        if (!serves.some((s) => s.protocol === l.protocol && s.port === l.port)) serves.push(l);
      existing.listeners = serves;
      continue;
    }
    neighbours.push({
      name: `container ${address}`,
      address,
      dev: place(address, 'backend'),
      listeners: wanted,
    });
  }
  // Other machines on a link: they take a bridge's flooded multicast (a cold cache's NS).
  for (const text of options.neighbour ?? []) {
    const { address, port } = parseEndpoint('--neighbour', text);
    if (port !== undefined || isLocal(address) || !subnetOf(interfaces, address))
      throw new TraceUsageError(
        `--neighbour "${text}": expected the address of another machine in a --bridge/--iface subnet (no port, not the host's own)`,
      );
    if (!known(address)) neighbours.push({ name: address, address, dev: place(address, '--neighbour') });
  }
  const host: HostState = { ...base, neighbours };
  const flow: FlowSpec = { protocol, from: from.address, to: to.address, count };
  if (to.port !== undefined) flow.port = to.port;
  if (options.coldNeighbours) flow.coldNeighbours = true;
  return { host, flow };
}
