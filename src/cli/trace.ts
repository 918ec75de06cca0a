/**
 * `nettwin trace`: one flow through an iptables-save dump and a described host, on the
 * netfilter twin. The contract is in ../../shared/DESIGN.md ("Command line"):
 *
 *   nettwin trace --ruleset FILE [--bridge NAME=ADDR/PREFIX …] [--iface NAME=ADDR/PREFIX …]
 *                 [--default-via IP] [--sysctl KEY=VALUE …] [--listen ADDR:PORT[/tcp|udp][=ADDR:PORT] …]
 *                 --from IP --to IP[:PORT] [--proto icmp|tcp|udp] [--count N] [--save | --json]
 *
 * Placement: a source that is a local address is the host itself; one inside a
 * bridge's or interface's subnet is a neighbour behind it; anything else arrives on the
 * default route's interface. A non-local destination is a neighbour (a container on a
 * bridge, a machine on an interface's subnet, or beyond the default route) that answers
 * ping and serves the --to port. So is the backend of a --listen relay and the target
 * of a DNAT rule when it lies in a bridge's or interface's subnet (a published port's
 * container). Without --proto, a --to with a port means tcp.
 *
 * File reading is here (I/O at the edge); the engine stays pure. Any error is one line
 * on stderr and exit code 2. Standalone: `npx tsx src/cli/trace.ts --ruleset …`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type {
  FlowProtocol,
  FlowResult,
  FlowSpec,
  HostInterface,
  HostState,
  Listener,
  Neighbour,
} from '../netfilter/host-types.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { formatPath, runFlow } from '../netfilter/path/index.ts';
import { cidrContains, isIPv4, parseCidr, parseIPv4 } from '../netfilter/path/ipv4.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { SnapshotError } from '../snapshot/errors.ts';
import { SnapshotNames, UnknownNameError } from '../snapshot/names.ts';
import { parseSnapshotJson } from '../snapshot/schema.ts';
import { snapshotToHost } from '../snapshot/to-host.ts';
import {
  loadTraceRulesets,
  rulesetsOfHost,
  saveTraceRulesets,
  TraceRulesetError,
  type TraceRulesets,
} from './trace-rulesets.ts';

/** A usage or input problem: printed as one line, exit code 2. */
export class TraceUsageError extends Error {}

export interface TraceOptions {
  /**
   * iptables-save dumps and `nft list ruleset` listings (with --bridge/--iface/--default-via;
   * repeatable: one dump and any listings of one host), or …
   */
  ruleset?: string | string[];
  /** … a `nettwin snapshot` file: the host's interfaces, routes and containers come with it. */
  snapshot?: string;
  bridge: string[];
  iface: string[];
  defaultVia?: string;
  sysctl: string[];
  listen: string[];
  from: string;
  to: string;
  proto?: string;
  count?: string;
  save?: boolean;
  json?: boolean;
}

export interface TraceOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseInterface(option: string, text: string, kind: 'bridge' | 'ether'): HostInterface {
  const m = /^([^=\s]+)=([0-9.]+)\/(\d+)$/.exec(text);
  if (!m)
    throw new TraceUsageError(`${option} "${text}": expected NAME=ADDR/PREFIX, e.g. docker0=172.17.0.1/16`);
  const [, name, address, prefix] = m as unknown as [string, string, string, string];
  try {
    parseCidr(`${address}/${prefix}`);
  } catch (error) {
    throw new TraceUsageError(`${option} "${text}": ${(error as Error).message}`);
  }
  return { name, kind, addresses: [{ address, prefix: Number(prefix) }] };
}

function parseEndpoint(option: string, text: string): { address: string; port?: number } {
  const m = /^([0-9.]+)(?::(\d+))?$/.exec(text);
  if (!m || !isIPv4(m[1] as string) || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
    throw new TraceUsageError(
      `${option} "${text}": expected an IPv4 address with an optional :PORT (1-65535)`,
    );
  }
  return { address: m[1] as string, port: m[2] === undefined ? undefined : Number(m[2]) };
}

function parseListener(text: string): Listener {
  const m = /^([0-9.]+):(\d+)(?:\/(tcp|udp))?(?:=([0-9.]+):(\d+))?$/.exec(text);
  if (!m || !isIPv4(m[1] as string) || (m[4] !== undefined && !isIPv4(m[4]))) {
    throw new TraceUsageError(
      `--listen "${text}": expected ADDR:PORT[/tcp|udp] or ADDR:PORT[/tcp|udp]=ADDR:PORT (a docker-proxy-like relay)`,
    );
  }
  const listener: Listener = {
    protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp',
    address: m[1] as string,
    port: Number(m[2]),
  };
  if (m[4] !== undefined) {
    listener.forwardTo = { address: m[4], port: Number(m[5]) };
    listener.owner = 'docker-proxy';
  }
  return listener;
}

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

/** The host the options describe: a dump, interfaces, routes, sysctls, listeners; no neighbours yet. */
/** The --ruleset files, as given (commander collects them; a caller may pass one). */
function rulesetFiles(options: TraceOptions): string[] {
  return options.ruleset === undefined ? [] : [options.ruleset].flat();
}

function loadRulesets(options: TraceOptions, readFile: (path: string) => string): TraceRulesets {
  try {
    return loadTraceRulesets(rulesetFiles(options), readFile);
  } catch (error) {
    if (error instanceof TraceRulesetError) throw new TraceUsageError(error.message);
    throw error;
  }
}

function hostFromOptions(loaded: TraceRulesets, options: TraceOptions): HostState {
  const { ruleset } = loaded;
  const interfaces: HostInterface[] = [
    { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
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
  if (options.defaultVia !== undefined) {
    if (!isIPv4(options.defaultVia))
      throw new TraceUsageError(`--default-via "${options.defaultVia}": not an IPv4 address`);
    const dev = subnetOf(interfaces, options.defaultVia);
    if (!dev) {
      throw new TraceUsageError(
        `--default-via ${options.defaultVia}: no --iface/--bridge subnet contains this gateway`,
      );
    }
    routes.push({ destination: 'default', dev: dev.name, via: options.defaultVia });
  }
  const sysctls: Record<string, string> = { 'net.ipv4.ip_forward': '1' };
  for (const s of options.sysctl) {
    const m = /^([\w.\-/]+)=(.*)$/.exec(s);
    if (!m) throw new TraceUsageError(`--sysctl "${s}": expected KEY=VALUE, e.g. net.ipv4.ip_forward=0`);
    sysctls[(m[1] as string).replaceAll('/', '.')] = m[2] as string;
  }
  return {
    ...rulesetsOfHost(loaded),
    interfaces,
    routes,
    sysctls,
    listeners: options.listen.map(parseListener),
    neighbours: [],
    nftLazyBuiltinChains: nftLazy(ruleset),
  };
}

/** The non-loopback interface whose subnet holds `address`. */
function subnetOf(interfaces: readonly HostInterface[], address: string): HostInterface | undefined {
  return interfaces.find(
    (i) =>
      i.kind !== 'loopback' &&
      i.addresses.some((a) => cidrContains(parseCidr(`${a.address}/${a.prefix}`), parseIPv4(address))),
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
  options: Pick<TraceOptions, 'from' | 'to' | 'proto' | 'count'>,
  wording: PlacementWording,
): { host: HostState; flow: FlowSpec } {
  const { ruleset, interfaces, listeners } = base;
  const defaultDev = base.routes.find((r) => r.destination === 'default')?.dev;
  const from = parseEndpoint('--from', options.from);
  if (from.port !== undefined)
    throw new TraceUsageError(
      `--from "${options.from}": give an address only (the client port is ephemeral)`,
    );
  const to = parseEndpoint('--to', options.to);
  const protocol = (options.proto ?? (to.port === undefined ? 'icmp' : 'tcp')) as FlowProtocol;
  if (!['icmp', 'tcp', 'udp'].includes(protocol))
    throw new TraceUsageError(`--proto "${options.proto}": expected icmp, tcp or udp`);
  if (protocol !== 'icmp' && to.port === undefined) {
    throw new TraceUsageError(`--to "${options.to}": a ${protocol} flow needs a port (--to IP:PORT)`);
  }
  const count = options.count === undefined ? 1 : Number(options.count);
  if (!Number.isInteger(count) || count < 1)
    throw new TraceUsageError(`--count "${options.count}": expected a positive integer`);

  const isLocal = (address: string) =>
    address.startsWith('127.') || interfaces.some((i) => i.addresses.some((a) => a.address === address));
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
  const serve = (address: string, port: number | undefined) => {
    if (isLocal(address) || !subnetOf(interfaces, address)) return;
    const ports = served.get(address) ?? new Set<number>();
    if (port !== undefined) ports.add(port);
    served.set(address, ports);
  };
  for (const l of listeners) if (l.forwardTo) serve(l.forwardTo.address, l.forwardTo.port);
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const target = rule.spec.target;
        if (target?.name !== 'DNAT') continue;
        const dest = target.options.find((o) => o.name === 'to-destination')?.args[0] ?? '';
        const m = /^([0-9.]+)(?::(\d+))?/.exec(dest);
        if (m && isIPv4(m[1] as string)) serve(m[1] as string, m[2] === undefined ? to.port : Number(m[2]));
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
  const host: HostState = { ...base, neighbours };
  const flow: FlowSpec = { protocol, from: from.address, to: to.address, count };
  if (to.port !== undefined) flow.port = to.port;
  return { host, flow };
}

export function formatJson(result: FlowResult): string {
  const counters = result.counters.filter((c) => c.rule > 0);
  const policies = result.counters.filter((c) => c.rule === 0);
  return `${JSON.stringify(
    {
      verdict: result.verdict,
      sent: result.sent,
      delivered: result.delivered,
      seenSource: result.seenSource ?? null,
      receiver: result.receiver ?? null,
      counters: counters.map(({ table, chain, rule, packets, bytes, text }) => ({
        table,
        chain,
        rule,
        packets,
        bytes,
        text,
      })),
      policies: policies.map(({ table, chain, packets, bytes, text }) => ({
        table,
        chain,
        policy: text.split(' ')[1],
        packets,
        bytes,
      })),
      ...(result.nftCounters ? { nftCounters: result.nftCounters } : {}),
      path: result.path,
    },
    null,
    2,
  )}\n`;
}

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
    from = names.resolveEndpoint(options.from, '--from');
    to = names.resolveEndpoint(options.to, '--to');
  } catch (error) {
    if (error instanceof UnknownNameError) throw new TraceUsageError(error.message);
    throw error;
  }
  const placed = placeFlow(host, { ...options, from, to }, SNAPSHOT_WORDING);
  return { ...placed, names, warnings };
}

function runSnapshotTrace(options: TraceOptions, readFile: (path: string) => string): TraceOutput {
  const { host, flow, names, warnings } = buildSnapshotTrace(options, readFile);
  const result = runFlow(host, flow);
  const named = names.annotate(result);
  const stdout = options.save
    ? serializeRuleset(host.ruleset, { counters: true }) +
      (host.nftRuleset ? serializeNftRuleset(host.nftRuleset) : '')
    : options.json
      ? // Machines get addresses as they are; only the path's prose carries names.
        formatJson({ ...result, path: named.path })
      : `${names.address(flow.from)} → ${names.address(flow.to)}${flow.port ? `:${flow.port}` : ''} (${flow.protocol}, ${flow.count ?? 1}×)\n${formatPath(named)}`;
  const stderr = warnings.map((w) => `nettwin trace: warning: ${w}\n`).join('');
  return { exitCode: 0, stdout, stderr };
}

/** The whole command as a function of its options: what it would print, and its exit code. */
export function runTrace(
  options: TraceOptions,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): TraceOutput {
  try {
    if (options.save && options.json)
      throw new TraceUsageError('--save and --json exclude each other: pick one');
    if (options.snapshot !== undefined) return runSnapshotTrace(options, readFile);
    if (rulesetFiles(options).length === 0)
      throw new TraceUsageError(
        'give the host: --ruleset FILE (an iptables-save dump or `nft list ruleset` output) or --snapshot FILE',
      );
    const { host, flow, loaded } = buildTrace(options, readFile);
    const result = runFlow(host, flow);
    const stdout = options.save
      ? saveTraceRulesets(loaded)
      : options.json
        ? formatJson(result)
        : formatPath(result);
    return { exitCode: 0, stdout, stderr: '' };
  } catch (error) {
    // A snapshot's own message names the file and field already.
    const message = (error instanceof SnapshotError ? error.message : (error as Error).message).split(
      '\n',
    )[0];
    return { exitCode: 2, stdout: '', stderr: `nettwin trace: ${message}\n` };
  }
}

/** Registers `trace` on a commander program (src/cli/main.ts calls this). */
export function traceCommand(program: Command): Command {
  return program
    .command('trace')
    .description('run one flow through an iptables-save dump on the netfilter twin and show its packet path')
    .option(
      '--ruleset <file>',
      'an iptables-save [-c] dump or `nft list ruleset` output (counters are the starting values; repeatable: one dump and the nft listings of one host)',
      collect,
      [],
    )
    .option(
      '--snapshot <file>',
      'a `nettwin snapshot` file instead: its rules, interfaces, routes and containers (--from/--to may name containers)',
    )
    .option(
      '--bridge <name=addr/prefix>',
      'a Linux bridge of the host (repeatable; br_netfilter applies)',
      collect,
      [],
    )
    .option(
      '--iface <name=addr/prefix>',
      'another interface of the host, e.g. eth0 (repeatable)',
      collect,
      [],
    )
    .option('--default-via <ip>', 'default route through this gateway')
    .option(
      '--sysctl <key=value>',
      'a sysctl, e.g. net.ipv4.ip_forward=0 (repeatable; ip_forward defaults to 1)',
      collect,
      [],
    )
    .option(
      '--listen <addr:port[/proto][=addr:port]>',
      'a local listener; with =ADDR:PORT a docker-proxy-like relay (repeatable)',
      collect,
      [],
    )
    .requiredOption(
      '--from <ip>',
      "who sends: a neighbour address, a local address for the host itself, or a snapshot's container name",
    )
    .requiredOption(
      '--to <ip[:port]>',
      "destination, an address or a snapshot's container name (with a port: tcp unless --proto says otherwise)",
    )
    .addOption(new Option('--proto <proto>', 'flow protocol').choices(['icmp', 'tcp', 'udp']))
    .option('--count <n>', 'ICMP echo requests, or TCP SYN attempts / UDP datagrams (default 1)')
    .option('--save', 'print each ruleset again in its own format, with the counters after the flow')
    .option('--json', 'print the result as JSON')
    .action((options: TraceOptions) => {
      const out = runTrace(options);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.exitCode;
    });
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('nettwin').exitOverride();
  const trace = traceCommand(program).exitOverride();
  trace.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(['trace', ...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
