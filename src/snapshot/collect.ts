/**
 * The I/O edge of `nettwin snapshot`: runs read-only commands on a live Docker host and
 * hands what they print to assembleSnapshot (pure). Every command only reads: *-save,
 * `nft list ruleset`, `ip … show`, sysctl without -w, `docker … inspect`, ss and ps.
 *
 * The commands go through a Runner, so the same collector works on the machine it runs
 * on (as root) or inside a container through `docker exec` (a DinD host, from outside).
 */
import { execa } from 'execa';
import { assembleSnapshot, type RawHostOutputs } from './assemble.ts';
import { SnapshotCollectError } from './errors.ts';
import type { Snapshot } from './schema.ts';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
export type Runner = (argv: string[]) => Promise<RunResult>;

/** The sysctls the packet path depends on (route_localnet is read per interface). */
export const SNAPSHOT_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv6.conf.all.forwarding',
  'net.ipv6.conf.default.forwarding',
  'net.ipv6.conf.all.disable_ipv6',
  'net.ipv4.tcp_syn_linear_timeouts',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.ip_local_port_range',
  'net.netfilter.nf_conntrack_max',
];

async function run(argv: string[]): Promise<RunResult> {
  const r = await execa(argv[0] as string, argv.slice(1), { reject: false, stripFinalNewline: false });
  // A missing command is exit 127, as a shell would say.
  return { exitCode: r.exitCode ?? 127, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export const localRunner: Runner = run;

/** Commands run inside a container (e.g. a DinD host) as root. */
export function dockerExecRunner(container: string): Runner {
  return (argv) => run(['docker', 'exec', '-u', '0', container, ...argv]);
}

async function must(runner: Runner, argv: string[], hint: string): Promise<string> {
  const r = await runner(argv);
  if (r.exitCode !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim()).split('\n')[0] || `exit code ${r.exitCode}`;
    throw new SnapshotCollectError(`\`${argv.join(' ')}\` failed: ${why}. ${hint}`);
  }
  return r.stdout;
}

async function optional(runner: Runner, argv: string[]): Promise<string | undefined> {
  const r = await runner(argv);
  return r.exitCode === 0 ? r.stdout : undefined;
}

const ROOT = 'Run `nettwin snapshot` as root on the Docker host (iptables-save needs CAP_NET_ADMIN).';
const DOCKER = 'Is the Docker daemon running, and may this user talk to it?';

/** Everything a snapshot holds, read from the host behind `runner`. */
export async function collectRaw(runner: Runner, now: Date = new Date()): Promise<RawHostOutputs> {
  const iptablesVersion = await must(runner, ['iptables', '--version'], 'Is iptables installed?');
  const [iptablesSave, legacySave] = await Promise.all([
    must(runner, ['iptables-save', '-c'], ROOT),
    // The other backend: only meaningful where iptables itself is nft.
    /legacy/.test(iptablesVersion) ? undefined : optional(runner, ['iptables-legacy-save', '-c']),
  ]);
  // The IPv6 half: a host without ip6tables (or a kernel without IPv6) is recorded as
  // such, with the reason, not refused.
  const ip6 = await runner(['ip6tables-save', '-c']);
  const ip6tables =
    ip6.exitCode === 0
      ? { ip6tablesSave: ip6.stdout }
      : {
          ip6tablesAbsent:
            ip6.exitCode === 127
              ? 'ip6tables-save is not installed'
              : `ip6tables-save failed: ${(ip6.stderr.trim() || ip6.stdout.trim()).split('\n')[0] || `exit code ${ip6.exitCode}`}`,
        };
  // Native nft tables, where nft is installed: read-only `list`. Its stderr carries nft
  // 1.0's "managed by iptables-nft" marks, so both streams are kept.
  const nftVersion = await optional(runner, ['nft', '--version']);
  const nftList =
    nftVersion === undefined
      ? undefined
      : await runner(['nft', 'list', 'ruleset']).then((r) =>
          r.exitCode === 0 ? `${r.stdout}${r.stderr}` : undefined,
        );
  const [ipAddrJson, ipLinkJson, ipRouteJson, ip6Route] = await Promise.all([
    must(runner, ['ip', '-j', '-d', 'addr', 'show'], 'Is iproute2 installed?'),
    must(runner, ['ip', '-j', '-d', 'link', 'show'], 'Is iproute2 installed?'),
    must(runner, ['ip', '-j', 'route', 'show'], 'Is iproute2 installed?'),
    // A kernel without IPv6 has no table to show: no IPv6 routes.
    runner(['ip', '-j', '-6', 'route', 'show']),
  ]);
  const [named, localnet] = await Promise.all([
    // -e: keys a kernel lacks (br_netfilter not loaded) are skipped, not errors.
    runner(['sysctl', '-e', ...SNAPSHOT_SYSCTLS]),
    runner(['sysctl', '-a', '--pattern', 'route_localnet']),
  ]);
  const dockerVersionJson = await must(runner, ['docker', 'version', '--format', '{{json .}}'], DOCKER);
  const networkIds = (await must(runner, ['docker', 'network', 'ls', '-q', '--no-trunc'], DOCKER))
    .split(/\s+/)
    .filter(Boolean);
  const containerIds = (await must(runner, ['docker', 'ps', '-aq', '--no-trunc'], DOCKER))
    .split(/\s+/)
    .filter(Boolean);
  const [networksJson, containersJson] = await Promise.all([
    networkIds.length ? must(runner, ['docker', 'network', 'inspect', ...networkIds], DOCKER) : '[]',
    containerIds.length ? must(runner, ['docker', 'inspect', ...containerIds], DOCKER) : '[]',
  ]);
  const [ss, ps, hostname, kernel] = await Promise.all([
    must(runner, ['ss', '-Hltnup'], 'Is iproute2 (ss) installed?'),
    must(runner, ['ps', '-eo', 'pid=,args='], 'Is procps installed?'),
    optional(runner, ['cat', '/proc/sys/kernel/hostname']),
    optional(runner, ['uname', '-r']),
  ]);
  return {
    takenAt: now.toISOString(),
    hostname: hostname ?? '',
    ...(kernel ? { kernel } : {}),
    iptablesVersion,
    iptablesSave,
    ...(legacySave !== undefined ? { legacySave } : {}),
    ...ip6tables,
    ...(nftVersion !== undefined ? { nftVersion } : {}),
    ...(nftList !== undefined ? { nftList } : {}),
    ipAddrJson,
    ipLinkJson,
    ipRouteJson,
    ip6RouteJson: ip6Route.exitCode === 0 ? ip6Route.stdout : '[]',
    sysctl: `${named.stdout}\n${localnet.stdout}`,
    dockerVersionJson,
    networksJson,
    containersJson,
    ss,
    // Other processes' command lines may hold secrets: only docker-proxy lines are kept.
    dockerProxyPs: ps
      .split('\n')
      .filter((l) => /(^|\/)docker-proxy\s/.test(l.trim().split(/\s+/).slice(1).join(' ')))
      .join('\n'),
  };
}

export async function collectSnapshot(
  runner: Runner = localRunner,
  warn: (text: string) => void = () => {},
): Promise<Snapshot> {
  const raw = await collectRaw(runner);
  try {
    return assembleSnapshot(raw, warn);
  } catch (error) {
    throw new SnapshotCollectError(`the host's outputs could not be read: ${(error as Error).message}`);
  }
}
