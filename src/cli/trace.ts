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
import { formatPath, runFlow } from '../netfilter/path/index.ts';
import { SnapshotError } from '../snapshot/errors.ts';
import { formatJson } from './trace-json.ts';
import { rulesetFiles, type TraceOptions, type TraceOutput, TraceUsageError } from './trace-options.ts';
import { buildTrace } from './trace-placement.ts';
import { saveTraceRulesets } from './trace-rulesets.ts';
import { runSnapshotTrace } from './trace-snapshot-run.ts';

export { formatJson } from './trace-json.ts';
export { type TraceOptions, type TraceOutput, TraceUsageError } from './trace-options.ts';
export { buildTrace, type PlacementWording, placeFlow } from './trace-placement.ts';
export { buildSnapshotTrace } from './trace-snapshot-run.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

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
      'an iptables-save [-c] or ip6tables-save [-c] dump or `nft list ruleset` output (counters are the starting values; repeatable: one dump per family and the nft listings of one host)',
      collect,
      [],
    )
    .option(
      '--snapshot <file>',
      'a `nettwin snapshot` file instead: its rules, interfaces, routes and containers (--from/--to may name containers)',
    )
    .option(
      '--bridge <name=addr/prefix[,addr/prefix…]>',
      'a Linux bridge of the host, its addresses comma-separated (repeatable; br_netfilter applies)',
      collect,
      [],
    )
    .option(
      '--iface <name=addr/prefix[,addr/prefix…]>',
      'another interface of the host, e.g. eth0=192.168.70.6/24,fd70::6/64 (repeatable)',
      collect,
      [],
    )
    .option(
      '--default-via <ip>',
      'default route through this gateway (one per family: --default-via 192.168.70.1 --default-via fd70::1)',
      collect,
    )
    .option(
      '--sysctl <key=value>',
      'a sysctl, e.g. net.ipv4.ip_forward=0 (repeatable; net.ipv4.ip_forward and net.ipv6.conf.all.forwarding default to 1)',
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
    .option(
      '--family <family>',
      "ipv4 or ipv6: which address of a snapshot's container --from/--to names mean (default: the family of an address given, else ipv4)",
    )
    .addOption(new Option('--proto <proto>', 'flow protocol').choices(['icmp', 'tcp', 'udp']))
    .option('--count <n>', 'ICMP echo requests, or TCP SYN attempts / UDP datagrams (default 1)')
    .option('--save', 'print each ruleset again in its own format, with the counters after the flow')
    .option('--json', 'print the result as JSON')
    .option(
      '--neighbour <ip>',
      'another machine in a --bridge/--iface subnet, e.g. a third container (repeatable): it answers ping, and with --cold-neighbours receives the flooded solicitations',
      collect,
    )
    .option(
      '--cold-neighbours',
      'IPv6: start with empty neighbour caches and count the neighbour solicitations/advertisements (NS/NA) the first packets cost, as the hooks see them (untracked; a bridge floods a multicast NS through FORWARD to every container the trace knows on it); default: warm caches. IPv4 is unchanged: ARP is not IP, no iptables hook sees it',
    )
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
