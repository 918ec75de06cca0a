/**
 * What Docker 29's nftables backend writes (`dockerd --firewall-backend=nftables`; moby
 * docker-v29.7.2 daemon/libnetwork/drivers/bridge/internal/nftabler), as batches for the
 * docker-bridges table: the base chains and verdict maps at daemon start, four chains and
 * four map elements per bridge network, a raw-PREROUTING drop per container endpoint, and
 * per-port rules. Rule texts are what `nft list ruleset` prints back (quoted interface
 * names and comments, `127.0.0.0/8`), so the table prints as a real host lists it.
 *
 * One writer for both tables: `ip docker-bridges` and, for networks with IPv6,
 * `ip6 docker-bridges`. The ip6 table differs only where moby's writers ask the family:
 * `ip6 saddr/daddr`, `ip6 daddr != ::1` in nat-OUTPUT, `meta l4proto ipv6-icmp` for a
 * routed network's ICMP, `ip6 saddr != fe80::/10` before each DNAT (link-local sources
 * are never translated), `[addr]:port` DNAT targets, and no remote-loopback drops (::1
 * cannot be routed to).
 *
 * The base chains only dispatch: `oifname vmap @filter-forward-in-jumps` sends a packet
 * going into a bridge to that bridge's `filter-forward-in__<bridge>` chain, so a packet
 * costs one map lookup however many networks there are.
 */
import type { BridgeRuleConfig, PortForward } from '../firewall.ts';
import { NftModifier } from './docker-bridges-table.ts';

export const DOCKER_TABLE = 'docker-bridges';

const FORWARD = 'filter-FORWARD';
const POSTROUTING = 'nat-POSTROUTING';
const PREROUTING = 'nat-PREROUTING';
const OUTPUT = 'nat-OUTPUT';
const NAT = 'nat-prerouting-and-output';
const RAW_PREROUTING = 'raw-PREROUTING';
const FWD_IN_JUMPS = 'filter-forward-in-jumps';
const FWD_OUT_JUMPS = 'filter-forward-out-jumps';
const NAT_OUT_JUMPS = 'nat-postrouting-out-jumps';
const NAT_IN_JUMPS = 'nat-postrouting-in-jumps';

/** Rule groups: a chain runs its groups in ascending order (moby's RuleGroup constants). */
const INITIAL = 0;
const FWD_IN_ICC = 3;
const FWD_IN_PORTS = 4;
const FWD_IN_FINAL = 5;
const RAW_PORTS = 1;

export const fwdInChain = (bridge: string): string => `filter-forward-in__${bridge}`;
export const fwdOutChain = (bridge: string): string => `filter-forward-out__${bridge}`;
export const natPostInChain = (bridge: string): string => `nat-postrouting-in__${bridge}`;
export const natPostOutChain = (bridge: string): string => `nat-postrouting-out__${bridge}`;

/** The table's family: `ip` for IPv4, `ip6` for IPv6; also the word of its address matches. */
export type DockerTableFamily = 'ip' | 'ip6';

/** An interface name as nft prints it. */
const q = (name: string): string => JSON.stringify(name);

/**
 * The table's base chains, verdict maps and their dispatch rules (Nftabler.init).
 * nat-OUTPUT's priority is listed `dstnat`, as moby's own documents show it and as nft 1.1.7
 * (the 28.5 image's) lists a nat output chain at -100 (measured on twin 29.7).
 */
export function baseChains(o: { hairpin: boolean; family?: DockerTableFamily }): NftModifier {
  const m = new NftModifier();
  const rule = (chain: string, text: string) => m.create({ kind: 'rule', chain, group: INITIAL, text });
  m.create({
    kind: 'chain',
    name: FORWARD,
    base: 'type filter hook forward priority filter; policy accept;',
  });
  m.create({ kind: 'vmap', name: FWD_IN_JUMPS });
  rule(FORWARD, `oifname vmap @${FWD_IN_JUMPS}`);
  m.create({ kind: 'vmap', name: FWD_OUT_JUMPS });
  rule(FORWARD, `iifname vmap @${FWD_OUT_JUMPS}`);
  m.create({
    kind: 'chain',
    name: POSTROUTING,
    base: 'type nat hook postrouting priority srcnat; policy accept;',
  });
  m.create({ kind: 'vmap', name: NAT_OUT_JUMPS });
  rule(POSTROUTING, `iifname vmap @${NAT_OUT_JUMPS}`);
  m.create({ kind: 'vmap', name: NAT_IN_JUMPS });
  rule(POSTROUTING, `oifname vmap @${NAT_IN_JUMPS}`);
  m.create({ kind: 'chain', name: NAT });
  m.create({
    kind: 'chain',
    name: PREROUTING,
    base: 'type nat hook prerouting priority dstnat; policy accept;',
  });
  rule(PREROUTING, `fib daddr type local counter jump ${NAT}`);
  m.create({ kind: 'chain', name: OUTPUT, base: 'type nat hook output priority dstnat; policy accept;' });
  // With the userland proxy, docker-proxy answers the host's own connections to loopback.
  const loopback = o.family === 'ip6' ? 'ip6 daddr != ::1 ' : 'ip daddr != 127.0.0.0/8 ';
  const skipLoopback = o.hairpin ? '' : loopback;
  rule(OUTPUT, `${skipLoopback}fib daddr type local counter jump ${NAT}`);
  m.create({
    kind: 'chain',
    name: RAW_PREROUTING,
    base: 'type filter hook prerouting priority raw; policy accept;',
  });
  return m;
}

/**
 * A bridge network's chains, map elements and rules (network.configure); its reverse removes
 * them. For `ip6`, `c` is the network's IPv6 half (its subnet, SNAT source and gateway mode).
 */
export function networkRules(c: BridgeRuleConfig, family: DockerTableFamily = 'ip'): NftModifier {
  const m = new NftModifier();
  const br = c.bridge;
  const rule = (chain: string, group: number, text: string) => m.create({ kind: 'rule', chain, group, text });
  m.create({ kind: 'chain', name: fwdInChain(br) });
  m.create({ kind: 'chain', name: fwdOutChain(br) });
  m.create({ kind: 'element', map: FWD_IN_JUMPS, key: q(br), value: `jump ${fwdInChain(br)}` });
  m.create({ kind: 'element', map: FWD_OUT_JUMPS, key: q(br), value: `jump ${fwdOutChain(br)}` });
  m.create({ kind: 'chain', name: natPostInChain(br) });
  m.create({ kind: 'element', map: NAT_IN_JUMPS, key: q(br), value: `jump ${natPostInChain(br)}` });
  m.create({ kind: 'chain', name: natPostOutChain(br) });
  m.create({ kind: 'element', map: NAT_OUT_JUMPS, key: q(br), value: `jump ${natPostOutChain(br)}` });
  rule(fwdInChain(br), INITIAL, 'ct state established,related counter accept');
  rule(fwdOutChain(br), INITIAL, 'ct state established,related counter accept');
  const icc = c.icc ? 'accept' : 'drop';
  if (c.internal) {
    // Nothing in from other interfaces, nothing out to them.
    rule(fwdInChain(br), INITIAL, `iifname != ${q(br)} counter drop comment "INTERNAL NETWORK INGRESS"`);
    rule(fwdOutChain(br), INITIAL, `oifname != ${q(br)} counter drop comment "INTERNAL NETWORK EGRESS"`);
    rule(fwdInChain(br), FWD_IN_ICC, `counter ${icc} comment "ICC"`);
    return m;
  }
  const routed = c.gatewayMode === 'routed';
  rule(fwdInChain(br), FWD_IN_ICC, `iifname ${q(br)} counter ${icc} comment "ICC"`);
  rule(fwdOutChain(br), INITIAL, 'counter accept comment "OUTGOING"');
  // Published ports are opened above this rule (FWD_IN_PORTS); anything else going in ends here.
  rule(
    fwdInChain(br),
    FWD_IN_FINAL,
    c.gatewayMode === 'nat-unprotected'
      ? 'counter accept comment "UNPROTECTED"'
      : 'counter drop comment "UNPUBLISHED PORT DROP"',
  );
  const icmp = family === 'ip6' ? 'meta l4proto ipv6-icmp' : 'ip protocol icmp';
  if (routed) rule(fwdInChain(br), INITIAL, `${icmp} counter accept comment "ICMP"`);
  const nat = c.snatSource ? `snat to ${c.snatSource}` : 'masquerade';
  const comment = c.snatSource ? 'SNAT' : 'MASQUERADE';
  if (c.masquerade && !routed) {
    rule(
      natPostOutChain(br),
      INITIAL,
      `oifname != ${q(br)} ${family} saddr ${c.subnet} counter ${nat} comment "${comment}"`,
    );
  }
  if (c.hairpin)
    rule(natPostInChain(br), INITIAL, `fib saddr type local counter ${nat} comment "${comment} FROM HOST"`);
  return m;
}

/**
 * filterDirectAccess: only the bridge (and trusted host interfaces) may send to a
 * container's address; undefined where Docker writes nothing (internal, nat-unprotected,
 * routed, --allow-direct-routing).
 */
export function directAccessRule(
  c: BridgeRuleConfig,
  address: string,
  o: { allowDirectRouting: boolean },
  family: DockerTableFamily = 'ip',
): NftModifier | undefined {
  if (c.internal || c.gatewayMode === 'nat-unprotected' || c.gatewayMode === 'routed' || o.allowDirectRouting)
    return undefined;
  const names = [c.bridge, ...(c.trustedHostInterfaces ?? [])];
  // nft prints a one-element anonymous set as the element itself.
  const ifaces = names.length === 1 ? q(c.bridge) : `{ ${names.map(q).join(', ')} }`;
  const m = new NftModifier();
  m.create({
    kind: 'rule',
    chain: RAW_PREROUTING,
    group: RAW_PORTS,
    text: `${family} daddr ${address} iifname != ${ifaces} counter drop comment "DROP DIRECT ACCESS"`,
  });
  return m;
}

const unspecified = (ip: string): boolean => ip === '0.0.0.0' || ip === '::';
const isV6 = (ip: string): boolean => ip.includes(':');
/** A binding between a host address and a container address of the other family is docker-proxy's alone. */
const natPossible = (p: PortForward): boolean => p.hostPort !== 0 && isV6(p.hostIp) === isV6(p.containerIp);
/** `addr:port`, IPv6 in brackets, as nft prints a DNAT target. */
const hostPort = (ip: string, port: number): string => (isV6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * setPerPortRules: forwarding, DNAT, hairpin masquerade, remote-loopback drops for a
 * container's ports; `ports` are the bindings to container addresses of the table's family.
 */
export function portRules(
  c: BridgeRuleConfig,
  ports: readonly PortForward[],
  enable: boolean,
  o: { hairpin: boolean },
  family: DockerTableFamily = 'ip',
): NftModifier {
  const m = new NftModifier();
  if (c.internal) return m;
  const put = enable ? m.create.bind(m) : m.delete.bind(m);
  const br = c.bridge;
  if (c.gatewayMode !== 'nat-unprotected') {
    for (const p of ports) {
      // Two host ports mapped to one container port give the same rule: added once.
      put({
        kind: 'rule',
        chain: fwdInChain(br),
        group: FWD_IN_PORTS,
        text: `${family} daddr ${p.containerIp} ${p.protocol} dport ${p.containerPort} counter accept`,
        ignoreExist: true,
      });
    }
  }
  for (const p of ports.filter(natPossible)) {
    const skipProxy = o.hairpin ? '' : `iifname != ${q(br)} `;
    const skipLinkLocal = family === 'ip6' ? 'ip6 saddr != fe80::/10 ' : '';
    const daddr = unspecified(p.hostIp) ? '' : `${family} daddr ${p.hostIp} `;
    put({
      kind: 'rule',
      chain: NAT,
      group: INITIAL,
      text: `${skipProxy}${skipLinkLocal}${daddr}${p.protocol} dport ${p.hostPort} counter dnat to ${hostPort(p.containerIp, p.containerPort)} comment "DNAT"`,
    });
  }
  if (o.hairpin) {
    for (const p of ports.filter(natPossible)) {
      put({
        kind: 'rule',
        chain: natPostInChain(br),
        group: INITIAL,
        text: `${family} saddr ${p.containerIp} ${family} daddr ${p.containerIp} ${p.protocol} dport ${p.containerPort} counter masquerade comment "MASQ TO OWN PORT"`,
      });
    }
  }
  // ::1 cannot be routed to: IPv6 needs no remote-loopback drop.
  const loopbackBound = (x: PortForward) => family === 'ip' && natPossible(x) && x.hostIp.startsWith('127.');
  for (const p of ports.filter(loopbackBound)) {
    put({
      kind: 'rule',
      chain: RAW_PREROUTING,
      group: RAW_PORTS,
      text: `iifname != "lo" ip daddr ${p.hostIp} ${p.protocol} dport ${p.hostPort} counter drop comment "DROP REMOTE LOOPBACK"`,
    });
  }
  return m;
}
