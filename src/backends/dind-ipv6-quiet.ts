/**
 * A container's own IPv6 chatter, off at the source. A new endpoint solicits routers
 * (forever, with backoff), runs duplicate address detection on its link-local address and
 * reports its multicast listeners; each of these is multicast, so the bridge floods it to
 * the other containers (ip6tables FORWARD through br_netfilter) and to the host (INPUT),
 * and any of it may land in a counter of a later step.
 *
 * How it is turned off depends on the Docker version. Docker 27 (API 1.46) added per-endpoint
 * sysctls (`com.docker.network.endpoint.sysctls`, IFNAME standing for the container's
 * interface), set on the interface before it comes up: nothing is sent at all. Docker 26.1
 * accepts the driver-opt and ignores it (measured: router solicitations 4 s apart, DAD and
 * MLD reports); there `docker run --sysctl net.ipv6.conf.eth0.…` is the way (runc writes it
 * before the container's process starts, while the link-local address is still tentative),
 * and what the interface sent before that (one DAD probe, MLD reports) is over once its
 * addresses leave the tentative state (settleIpv6Endpoint).
 */
import { DindExecError } from '../dind/errors.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';

/** The per-interface settings, as `net.ipv6.conf.<IFNAME>.<key>=<value>`. */
const QUIET_SETTINGS = ['router_solicitations=0', 'accept_dad=0', 'mldv2_unsolicited_report_interval=10'];

export const QUIET_IPV6_ENDPOINT_SYSCTLS = QUIET_SETTINGS.map((s) => `net.ipv6.conf.IFNAME.${s}`);

function major(dockerVersion: string): number {
  return Number.parseInt(dockerVersion, 10);
}

/** Docker 27+ sets sysctls per endpoint; older versions ignore the driver-opt. */
export function hasEndpointSysctls(dockerVersion: string): boolean {
  return major(dockerVersion) >= 27;
}

/**
 * `docker run --network` for a network with IPv6: the long form carrying the quiet
 * endpoint sysctls (CSV: the driver-opt's value holds commas, so it is quoted). The name
 * is a validated Docker network name (letters, digits, _ . -): no quoting needed.
 */
export function quietIpv6NetworkArg(network: string): string {
  return `name=${network},"driver-opt=com.docker.network.endpoint.sysctls=${QUIET_IPV6_ENDPOINT_SYSCTLS.join(',')}"`;
}

/**
 * `docker run`'s arguments for a container whose (only) network has IPv6: the endpoint
 * sysctls where Docker has them, else `--sysctl` on eth0, the first network's interface.
 */
export function quietIpv6RunArgs(network: string, dockerVersion: string): string[] {
  if (hasEndpointSysctls(dockerVersion)) return ['--network', quietIpv6NetworkArg(network)];
  return ['--network', network, ...QUIET_SETTINGS.flatMap((s) => ['--sysctl', `net.ipv6.conf.eth0.${s}`])];
}

/**
 * `docker network connect`'s arguments for a network with IPv6 (Docker 27+); older versions
 * get the settings written into the container's namespace after the connect
 * (quietConnectedEndpoint).
 */
export function quietIpv6ConnectArgs(dockerVersion: string): string[] {
  return hasEndpointSysctls(dockerVersion)
    ? ['--driver-opt', `com.docker.network.endpoint.sysctls=${QUIET_IPV6_ENDPOINT_SYSCTLS.join(',')}`]
    : [];
}

/**
 * Docker 28's bridge sends 3 unsolicited neighbour advertisements, 1 s apart, for every new
 * endpoint address (advertise_addr); 0 turns them off. Older versions have no such option.
 */
export function quietIpv6NetworkOptions(dockerVersion: string): string[] {
  return major(dockerVersion) >= 28 ? ['-o', 'com.docker.network.advertise_addr_nmsgs=0'] : [];
}

/**
 * In a namespace entered with nsenter: every interface but lo gets the quiet settings
 * ($@: key=value pairs; container interfaces are ethN, no dots for sysctl to misread).
 * Fixed text; the settings are arguments.
 */
const WRITE_QUIET =
  'for d in /proc/sys/net/ipv6/conf/*; do n=$(basename "$d"); case $n in all|default|lo) continue;; esac; for s in "$@"; do sysctl -q -w "net.ipv6.conf.$n.$s"; done; done';

/**
 * Before Docker 27 a connected network's interface (eth1, …) cannot be configured before it
 * comes up: write the settings into the container's namespace at once. A router
 * solicitation follows only a completed DAD (≥ 1 s after the link came up), and this runs
 * within a few hundred milliseconds of the connect.
 */
export async function quietConnectedEndpoint(host: StartedDindHost, container: string): Promise<void> {
  const sandbox = await host.dockerOrThrow(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', container]);
  await host.run(['nsenter', `--net=${sandbox.trim()}`, 'sh', '-c', WRITE_QUIET, 'sh', ...QUIET_SETTINGS]);
}

/** Polls, 50 ms apart, of a container's addresses; 5 s covers DAD's 1 s delay and 1 s probe. */
const SETTLE_POLLS = 100;

/**
 * Waits until no address of the container is tentative: its DAD probe is sent and done, and
 * the MLD reports that follow DAD (two, at most mldv2_unsolicited_report_interval = 10 ms
 * apart) go out within the next poll. With Docker 27+'s endpoint sysctls nothing is ever
 * tentative and this returns at the first look.
 */
export async function settleIpv6Endpoint(host: StartedDindHost, container: string): Promise<void> {
  const script = `for i in $(seq 1 ${SETTLE_POLLS}); do [ -z "$(ip -6 addr show tentative)" ] && sleep 0.05 && exit 0; sleep 0.05; done; exit 3`;
  const r = await host.exec(['docker', 'exec', container, 'sh', '-c', script]);
  if (r.exitCode !== 0) {
    const what = `waiting ${(SETTLE_POLLS * 50) / 1000} s for the IPv6 addresses of container "${container}" to leave DAD's tentative state`;
    throw new DindExecError(host.name, what, r.exitCode, r.stdout, r.stderr);
  }
}
