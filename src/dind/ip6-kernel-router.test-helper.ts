/**
 * The IPv6 twin of nft-kernel-router.test-helper.ts: the same private "router" namespace
 * inside a DinD host, with IPv6 on and made quiet at the source, so that a real kernel's
 * ip6tables and nft counters hold only the packets a step sends. Used by
 * src/dind/ip6-kernel.docker-test.ts.
 *
 * IPv6 talks on its own: router solicitations, duplicate address detection, multicast
 * listener (MLD) reports when an address or group appears, and neighbour discovery
 * (NS/NA, unreachability probes when an entry goes stale). Each is switched off or
 * finished before anything is measured — never tolerated in a comparison.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inRouter, type Leg, ROUTER, wireLegs, writeFile } from './nft-kernel-router.test-helper.ts';
import { QUIET_IPV6 } from './outside-world-ipv6.ts';
import type { StartedDindHost } from './started-dind-host.ts';

/**
 * Per-namespace IPv6 settings, written to `all` and `default` before any interface but lo
 * exists, so every interface created later starts with them (outside-world-ipv6.ts says
 * why each one). The DinD image turns IPv6 off in the host's namespaces; the check needs it on.
 */
const ROUTER_IPV6: ReadonlyArray<readonly [string, string]> = [['disable_ipv6', '0'], ...QUIET_IPV6];

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

async function mac(host: StartedDindHost, ns: string, dev: string): Promise<string> {
  const out = await host.run(['ip', 'netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/address`]);
  const address = out.trim();
  if (!MAC.test(address)) throw new Error(`${ns}/${dev}: no MAC address in ${JSON.stringify(out)}`);
  return address;
}

/** A container on the router's bridge1 (fd30::1/64). */
const bridgeLeg = (ns: string, address: string): Leg => ({
  ns,
  address,
  dev: 'bridge1',
  gateway: 'fd30::1',
  prefix: 64,
  kind: 'bridge',
});
export const c1 = bridgeLeg('nt6-c1', 'fd30::2');
export const c2 = bridgeLeg('nt6-c2', 'fd30::3');
export const client: Leg = {
  ns: 'nt6-client',
  address: 'fd70::9',
  dev: 'eth0',
  gateway: 'fd70::6',
  prefix: 64,
  kind: 'ether',
};
/** The two containers on bridge1 and the external client on eth0. */
export const LEGS = [c1, c2, client];

/**
 * Builds the router and its legs (as buildRouter does for IPv4), IPv6 only: every leg's
 * address and gateway are IPv6. Neighbour entries are then made permanent and the MLD
 * reports of the new addresses allowed to finish.
 */
export async function buildRouter6(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  const run = (argv: string[]) => host.run(argv);
  await run(['ip', 'netns', 'add', ROUTER]);
  for (const ns of [ROUTER, ...new Set(legs.map((l) => l.ns))]) {
    if (ns !== ROUTER) await run(['ip', 'netns', 'add', ns]);
    const inNs = (argv: string[]) => ['ip', 'netns', 'exec', ns, ...argv];
    for (const conf of ['all', 'default']) {
      for (const [key, value] of ROUTER_IPV6) {
        await run(inNs(['sysctl', '-qw', `net.ipv6.conf.${conf}.${key}=${value}`]));
      }
    }
    await run(inNs(['ip', 'link', 'set', 'lo', 'up']));
  }
  // Forwarding on before any interface exists: turning it on later makes each interface
  // join the all-routers group (ff02::2), one more round of MLD reports.
  await run(inRouter(['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']));
  // Bridged IPv6 goes through ip6tables' FORWARD (br_netfilter), as on a Docker host.
  await run(inRouter(['sysctl', '-qw', 'net.bridge.bridge-nf-call-ip6tables=1']));

  await wireLegs(host, legs, 'ipv6');
  await permanentNeighbours(host, legs);
  await settle(host, legs);
}

/**
 * Every neighbour a measured ping needs, as a permanent entry: a permanent entry is never
 * resolved, confirmed or probed, so no NS/NA is sent in either direction and the twin's
 * "warm neighbour cache" is exactly true. The router's side of a bridge is the bridge's own
 * MAC, read after all ports joined (a bridge takes its lowest port's MAC as they come).
 */
export async function permanentNeighbours(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  const legMac = new Map<Leg, string>();
  for (const leg of legs) legMac.set(leg, await mac(host, leg.ns, 'eth0'));
  const routerMac = new Map<string, string>();
  for (const dev of new Set(legs.map((l) => l.dev))) routerMac.set(dev, await mac(host, ROUTER, dev));
  const neigh = (ns: string, address: string, lladdr: string, dev: string) =>
    host.run([
      'ip',
      'netns',
      'exec',
      ns,
      'ip',
      '-6',
      'neigh',
      'replace',
      address,
      'lladdr',
      lladdr,
      'dev',
      dev,
      'nud',
      'permanent',
    ]);
  for (const leg of legs) {
    await neigh(ROUTER, leg.address, legMac.get(leg) ?? '', leg.dev);
    await neigh(leg.ns, leg.gateway, routerMac.get(leg.dev) ?? '', 'eth0');
    for (const other of legs) {
      if (other !== leg && other.dev === leg.dev) {
        await neigh(leg.ns, other.address, legMac.get(other) ?? '', 'eth0');
      }
    }
  }
}

/**
 * Waits until no address is tentative and the MLD reports of the new addresses are over:
 * with reports 10 ms apart two rounds take ~20 ms; a full second leaves room on a loaded
 * machine. Loading the rules later creates the counters, so earlier packets count nowhere.
 */
export async function settle(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let tentative = false;
    for (const ns of [ROUTER, ...new Set(legs.map((l) => l.ns))]) {
      const out = await host.run(['ip', 'netns', 'exec', ns, 'ip', '-6', 'addr', 'show', 'tentative']);
      if (out.trim() !== '') tentative = true;
    }
    if (!tentative) break;
    if (attempt > 50) throw new Error('IPv6 addresses are still tentative after 5 s (DAD should be off)');
    await sleep(100);
  }
  await sleep(1000);
}

/** `ping -6 -c N` from a leg, or from the router itself (the host); the number of answers. */
export async function ping6(host: StartedDindHost, from: Leg | 'host', to: string, count: number) {
  const argv = ['ping', '-6', '-c', String(count), '-i', '0.2', '-W', '1', to];
  const result = await host.exec(
    from === 'host' ? inRouter(argv) : ['ip', 'netns', 'exec', from.ns, ...argv],
  );
  return { answered: Number(/(\d+) received/.exec(result.stdout)?.[1] ?? '0'), stdout: result.stdout };
}

/**
 * An ip6tables-save dump as the ip6tables commands that would have written it, the way
 * Docker writes its rules (-N, -P, -A one at a time). iptables-nft creates a built-in
 * chain in the kernel only when a command needs it, and an empty one counts nothing;
 * ip6tables-restore would instead create every chain the dump names (measured: then
 * filter INPUT/OUTPUT, raw OUTPUT and nat INPUT count), which no Docker host does.
 * Our own fixtures only: each line is split on spaces (they hold no quoted words).
 */
export function dumpAsCommands(dump: string): string[][] {
  const commands: string[][] = [];
  let table = '';
  for (const line of dump.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(' ');
      if (!chain || !policy) throw new Error(`not a chain line: ${line}`);
      if (policy === '-') commands.push(['-t', table, '-N', chain]);
      else if (policy !== 'ACCEPT') commands.push(['-t', table, '-P', chain, policy]);
    } else if (line.startsWith('-A ')) {
      if (line.includes('"')) throw new Error(`quoted words are not supported here: ${line}`);
      commands.push(['-t', table, ...line.split(' ')]);
    }
  }
  return commands;
}

/**
 * Flushes the router's rules and conntrack, loads native tables with `nft -f`, then the
 * ip6tables commands of a dump (dumpAsCommands). Everything just created counts from zero.
 */
export async function loadRules6(
  host: StartedDindHost,
  nftText: string,
  ip6tablesDump: string,
): Promise<void> {
  await host.run(inRouter(['nft', 'flush', 'ruleset']));
  // conntrack's default family is IPv4: flush the IPv6 entries explicitly.
  await host.run(inRouter(['conntrack', '-F', '-f', 'ipv6']));
  if (nftText !== '') {
    await writeFile(host, '/tmp/nt-rules6.nft', nftText);
    await host.run(inRouter(['nft', '-f', '/tmp/nt-rules6.nft']));
  }
  // After the native tables, as a host's nftables.service runs before Docker: at equal
  // priority the hook registered last runs first, and the twin puts iptables first.
  for (const argv of dumpAsCommands(ip6tablesDump)) await host.run(inRouter(['ip6tables', ...argv]));
}

/**
 * Cold neighbour caches for `trace --cold-neighbours` checks: every namespace's IPv6
 * entries removed, permanent ones included (`nud all`), so the next ping resolves its
 * neighbours with NS/NA. An entry learnt from a solicitation is STALE and turns into a
 * unicast probe delay_first_probe_time (5 s) after its first use: that is set to 60 s
 * first on every interface, so no probe lands in a step however slow the machine is
 * (quiet at the source: the probe would come at a time of the kernel's choosing), and
 * router_probe_interval to 1 s (see below).
 */
export async function coldNeighbours(host: StartedDindHost, legs: readonly Leg[]): Promise<void> {
  const devs = new Map<string, Set<string>>([[ROUTER, new Set(legs.map((l) => l.dev))]]);
  for (const leg of legs) devs.set(leg.ns, new Set(['eth0']));
  for (const [ns, names] of devs) {
    const inNs = (argv: string[]) => ['ip', 'netns', 'exec', ns, ...argv];
    for (const dev of names) {
      await host.run(inNs(['sysctl', '-qw', `net.ipv6.neigh.${dev}.delay_first_probe_time=60`]));
      // rt6_probe: a host whose gateway has no entry probes it (an NS from its link-local
      // address) at most once per router_probe_interval (60 s), so whether a run probes
      // depended on the run before. 1 s: every run probes, as a cold cache does.
      await host.run(inNs(['sysctl', '-qw', `net.ipv6.conf.${dev}.router_probe_interval=1`]));
    }
    await host.run(inNs(['ip', '-6', 'neigh', 'flush', 'all', 'nud', 'all']));
    const left = await host.run(inNs(['ip', '-6', 'neigh', 'show', 'nud', 'all']));
    // Multicast groups' NOARP entries resolve without a packet; anything else would be warm.
    const warm = left.split('\n').filter((l) => l.trim() !== '' && !l.includes('NOARP'));
    if (warm.length > 0) throw new Error(`${ns}: neighbour entries left after the flush: ${warm.join('; ')}`);
  }
}

/**
 * Loads a dump with one ip6tables-restore (after flushing, as loadRules6): only for dumps
 * that name every chain they mean to count, since restore creates each chain it names.
 * Much faster than one command per rule on a loaded machine.
 */
export async function restoreRules6(host: StartedDindHost, dump: string): Promise<void> {
  await host.run(inRouter(['nft', 'flush', 'ruleset']));
  await host.run(inRouter(['conntrack', '-F', '-f', 'ipv6']));
  await writeFile(host, '/tmp/nt-rules6.ip6tables', dump);
  await host.run(inRouter(['ip6tables-restore', '/tmp/nt-rules6.ip6tables']));
}
