/**
 * IPv6 in a DinD host's outside world, at container start time (the image recipes stay as
 * they are): the host's eth0 gets fd70::6/64, the external client fd70::9 and the
 * neighbour fd70::a, on the LAN that docker/common/outside-world.sh builds.
 *
 * IPv6 talks on its own: router solicitations, duplicate address detection (DAD),
 * multicast listener (MLD) reports when an address or group appears, unsolicited
 * neighbour advertisements, and neighbour discovery. Every one of them is switched off or
 * finished here, at the source, before a scenario zeroes its counters — never tolerated
 * in a comparison:
 * - the host's own namespace gets its settings as container sysctls, so they hold
 *   before the entrypoint creates eth0 and before dockerd starts (dockerd publishes ports
 *   on [::] only when it finds IPv6 on at its start);
 * - the client's and neighbour's namespaces, made by the image's script with the kernel's
 *   defaults, get them afterwards, and their IPv6 is restarted so that it comes back quiet;
 * - the LAN's switch namespace takes no part in IPv6 at all (a bridge forwards frames
 *   without it);
 * - neighbour entries on the LAN are permanent: never resolved, confirmed or probed;
 * - their IPv6 routes ACK at once (`quickack 1`, src/dind/quickack.ts).
 * A reset rebuilds the outside world: apply enableOutsideWorldIpv6 again after it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { machineNamespace, type OutsideMachine } from './outside-world.ts';
import { QUICKACK_ROUTES_SCRIPT } from './quickack.ts';
import type { StartedDindHost } from './started-dind-host.ts';

/** The LAN's IPv6 addresses: the host's eth0, the external client, the neighbour. */
export const OUTSIDE_IPV6 = { prefix: 64, host: 'fd70::6', client: 'fd70::9', neighbour: 'fd70::a' } as const;

/** `net.ipv6.conf.<conf>.<key>` values that keep an interface from talking on its own. */
export const QUIET_IPV6: ReadonlyArray<readonly [string, string]> = [
  // No router solicitations (one at link-up, then forever with backoff since kernel 4.9)
  // and no router advertisements taken in: nothing on these links routes for the others.
  ['router_solicitations', '0'],
  ['accept_ra', '0'],
  // No DAD: it sends an NS per new address, and a join (an MLD report), when it likes.
  ['accept_dad', '0'],
  ['dad_transmits', '0'],
  // MLDv2 with unsolicited reports 10 ms apart (default 1 s): the reports after a new
  // address or group (robustness 2) are over in tens of ms, long before a step.
  ['force_mld_version', '2'],
  ['mldv2_unsolicited_report_interval', '10'],
  ['mldv1_unsolicited_report_interval', '10'],
  // No unsolicited neighbour advertisements when an address appears or a link comes up.
  ['ndisc_notify', '0'],
];

/** The host container's sysctls (HostConfig.Sysctls): IPv6 on and quiet from the start. */
export function ipv6HostSysctls(): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const conf of ['all', 'default']) {
    // Docker turns IPv6 off in a container with no IPv6 network ("none" included).
    sysctls[`net.ipv6.conf.${conf}.disable_ipv6`] = '0';
    for (const [key, value] of QUIET_IPV6) sysctls[`net.ipv6.conf.${conf}.${key}`] = value;
  }
  return sysctls;
}

/** argv (run in the host container) that makes namespace `ns`'s interface `conf` quiet. */
export function quietArgv(ns: string, conf: string): string[][] {
  return QUIET_IPV6.map(([key, value]) => [
    'ip',
    'netns',
    'exec',
    ns,
    'sysctl',
    '-qw',
    `net.ipv6.conf.${conf}.${key}=${value}`,
  ]);
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const MACHINES: readonly OutsideMachine[] = ['client', 'neighbour'];
const LAN_NAMESPACE = 'nettwin-lan';

/** argv in namespace `ns`, or in the host's own namespace when ns is undefined. */
const inNs = (ns: string | undefined, argv: string[]) => (ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv);

async function macOf(host: StartedDindHost, ns: string | undefined): Promise<string> {
  const out = (await host.run(inNs(ns, ['cat', '/sys/class/net/eth0/address']))).trim();
  if (!MAC.test(out))
    throw new Error(`DinD host "${host.name}": no MAC address on ${ns ?? 'the host'}'s eth0`);
  return out;
}

/**
 * Gives the outside world its IPv6 addresses, quiet. The host must have been started with
 * ipv6HostSysctls() (its eth0 is then quiet since it was made).
 */
export async function enableOutsideWorldIpv6(host: StartedDindHost): Promise<void> {
  const run = (argv: string[]) => host.run(argv);
  await run(['ip', 'netns', 'exec', LAN_NAMESPACE, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
  await run(['ip', 'netns', 'exec', LAN_NAMESPACE, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
  for (const machine of MACHINES) {
    const ns = machineNamespace(machine);
    for (const conf of ['all', 'default', 'eth0']) for (const argv of quietArgv(ns, conf)) await run(argv);
    // Restart eth0's IPv6 with the settings above: its link-local address comes back
    // without DAD, and pending router solicitations are dropped with the old state.
    await run(inNs(ns, ['sysctl', '-qw', 'net.ipv6.conf.eth0.disable_ipv6=1']));
    await run(inNs(ns, ['sysctl', '-qw', 'net.ipv6.conf.eth0.disable_ipv6=0']));
  }
  const lan: Array<{ ns: string | undefined; address: string }> = [
    { ns: undefined, address: OUTSIDE_IPV6.host },
    ...MACHINES.map((m) => ({ ns: machineNamespace(m), address: OUTSIDE_IPV6[m] })),
  ];
  const macs = new Map<string, string>();
  for (const side of lan) {
    await run(
      inNs(side.ns, [
        'ip',
        '-6',
        'addr',
        'replace',
        `${side.address}/${OUTSIDE_IPV6.prefix}`,
        'dev',
        'eth0',
        'nodad',
      ]),
    );
    macs.set(side.address, await macOf(host, side.ns));
  }
  for (const side of lan) {
    for (const other of lan) {
      if (other === side) continue;
      const lladdr = macs.get(other.address) ?? '';
      await run(
        inNs(side.ns, [
          'ip',
          '-6',
          'neigh',
          'replace',
          other.address,
          'lladdr',
          lladdr,
          'dev',
          'eth0',
          'nud',
          'permanent',
        ]),
      );
    }
  }
  // The LAN's IPv6 routes came with the addresses, without `quickack 1` (quickack.ts says why).
  for (const side of lan) await run(inNs(side.ns, ['sh', '-c', QUICKACK_ROUTES_SCRIPT]));
  await settle(
    host,
    lan.map((s) => s.ns),
  );
}

/** Until no address is tentative, then 1 s for the last MLD reports (10 ms apart) to end. */
async function settle(host: StartedDindHost, namespaces: ReadonlyArray<string | undefined>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let tentative = false;
    for (const ns of namespaces) {
      if ((await host.run(inNs(ns, ['ip', '-6', 'addr', 'show', 'tentative']))).trim() !== '')
        tentative = true;
    }
    if (!tentative) break;
    if (attempt >= 50) throw new Error(`DinD host "${host.name}": IPv6 addresses still tentative after 5 s`);
    await sleep(100);
  }
  await sleep(1000);
}
