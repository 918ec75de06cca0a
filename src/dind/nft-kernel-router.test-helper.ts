/**
 * A private "router" network namespace inside a DinD host, for checking native nft chains
 * on a real kernel: bridges with namespaces that play containers behind them, an eth0
 * toward an outside client, and nothing of the DinD host's own firewall. The rules under
 * test are loaded into the router; `ping` runs in a leg (or in the router: the host
 * itself). Used by src/dind/nft-kernel*.docker-test.ts.
 */
import type { HostInterface } from '../netfilter/host-types.ts';
import type { StartedDindHost } from './started-dind-host.ts';

/** One side of the router: a namespace behind a bridge (or a plain veth for eth0). */
export interface Leg {
  ns: string;
  address: string;
  /** The router's interface toward it and its address/prefix. */
  dev: string;
  gateway: string;
  prefix: number;
  kind: HostInterface['kind'];
}

export const ROUTER = 'nt-router';

export const inRouter = (argv: string[]) => ['ip', 'netns', 'exec', ROUTER, ...argv];

/** Writes our own fixture text to a file in the host, as data (an argument, never shell text). */
export async function writeFile(host: StartedDindHost, path: string, text: string): Promise<void> {
  await host.run(['sh', '-c', 'printf %s "$1" > "$2"', 'sh', text, path]);
}

export async function buildRouter(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  const run = (argv: string[]) => host.run(argv);
  await run(['ip', 'netns', 'add', ROUTER]);
  for (const ns of [ROUTER, ...legs.map((l) => l.ns)]) {
    if (ns !== ROUTER) await run(['ip', 'netns', 'add', ns]);
    // IPv4 only: no IPv6 neighbour discovery or router solicitation in an inet table's counters.
    await run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    await run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    await run(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  }
  await run(inRouter(['sysctl', '-qw', 'net.ipv4.ip_forward=1']));
  await wireLegs(host, legs, 'ipv4');
  await warmNeighbours(host, legs);
}

/**
 * The router's side of each leg (a bridge per `dev`, or a plain interface) and the leg's
 * namespace behind a veth pair, with addresses and a default route of one family. IPv6
 * addresses skip duplicate address detection (`nodad`): DAD's probes and its delay would
 * fall into the first measured step.
 */
export async function wireLegs(host: StartedDindHost, legs: readonly Leg[], family: 'ipv4' | 'ipv6') {
  const addrFlags = family === 'ipv6' ? ['nodad'] : [];
  const bridges = new Set<string>();
  for (const [i, leg] of legs.entries()) {
    const outer = `ntv${i}`;
    await host.run([
      'ip',
      'link',
      'add',
      outer,
      'netns',
      ROUTER,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      leg.ns,
    ]);
    if (leg.kind === 'bridge') {
      if (!bridges.has(leg.dev)) {
        bridges.add(leg.dev);
        // No multicast snooping: a snooping bridge joins 224.0.0.106 (all-snoopers) and sends
        // two IGMPv3 reports (40 bytes, OUTPUT and nat POSTROUTING) at random times in the
        // next seconds, which once landed in a measured ping's counters (CI, stop 26); for
        // IPv6 it would keep MLD state and report ff02::6a the same way.
        await host.run(inRouter(['ip', 'link', 'add', leg.dev, 'type', 'bridge', 'mcast_snooping', '0']));
        await host.run(
          inRouter(['ip', 'addr', 'add', `${leg.gateway}/${leg.prefix}`, 'dev', leg.dev, ...addrFlags]),
        );
        await host.run(inRouter(['ip', 'link', 'set', leg.dev, 'up']));
      }
      await host.run(inRouter(['ip', 'link', 'set', outer, 'master', leg.dev]));
      await host.run(inRouter(['ip', 'link', 'set', outer, 'up']));
    } else {
      await host.run(inRouter(['ip', 'link', 'set', outer, 'name', leg.dev]));
      await host.run(
        inRouter(['ip', 'addr', 'add', `${leg.gateway}/${leg.prefix}`, 'dev', leg.dev, ...addrFlags]),
      );
      await host.run(inRouter(['ip', 'link', 'set', leg.dev, 'up']));
    }
    const inLeg = (argv: string[]) => ['ip', 'netns', 'exec', leg.ns, ...argv];
    await host.run(inLeg(['ip', 'addr', 'add', `${leg.address}/${leg.prefix}`, 'dev', 'eth0', ...addrFlags]));
    await host.run(inLeg(['ip', 'link', 'set', 'eth0', 'up']));
    await host.run(
      inLeg(['ip', ...(family === 'ipv6' ? ['-6'] : []), 'route', 'add', 'default', 'via', leg.gateway]),
    );
  }
}

/**
 * Neighbour entries everywhere, so a measured ping is only its ICMP packets (ARP is not
 * IPv4 and counts nowhere, but a lost first echo while resolving would). Containers on
 * one bridge learn each other too.
 */
export async function warmNeighbours(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  for (const leg of legs) await host.run(inRouter(['ping', '-c', '1', '-W', '1', leg.address]));
  for (const a of legs) {
    for (const b of legs) {
      if (a !== b && a.dev === b.dev) {
        await host.exec(['ip', 'netns', 'exec', a.ns, 'ping', '-c', '1', '-W', '1', b.address]);
      }
    }
  }
}

/** `ping -c N` from a leg, or from the router itself (the host); the number of answers. */
export async function ping(host: StartedDindHost, from: Leg | 'host', to: string, count: number) {
  const argv = ['ping', '-c', String(count), '-i', '0.2', '-W', '1', to];
  const result = await host.exec(
    from === 'host' ? inRouter(argv) : ['ip', 'netns', 'exec', from.ns, ...argv],
  );
  return { answered: Number(/(\d+) received/.exec(result.stdout)?.[1] ?? '0'), stdout: result.stdout };
}

/** Flushes the router's rules, loads native tables with `nft -f`, then iptables-nft rules. */
export async function loadRules(
  host: StartedDindHost,
  nftText: string,
  iptablesRules: readonly string[][],
): Promise<void> {
  await host.run(inRouter(['nft', 'flush', 'ruleset']));
  await host.run(inRouter(['conntrack', '-F']));
  await writeFile(host, '/tmp/nt-rules.nft', nftText);
  await host.run(inRouter(['nft', '-f', '/tmp/nt-rules.nft']));
  // After the native tables, as a host's nftables.service runs before Docker: at equal
  // priority the hook registered last runs first, and the twin puts iptables first.
  // Everything just created counts from zero; no -Z, which would create missing tables.
  for (const rule of iptablesRules) await host.run(inRouter(['iptables', ...rule]));
}
