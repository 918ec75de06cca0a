/**
 * The iptables commands of Docker's bridge driver (libnetwork drivers/bridge and
 * iptables/), in the order it runs them, for the 'legacy' chain layout (17.03 … 26.1).
 * Every function takes the Firewall and decides with the same Exists checks libnetwork
 * makes, so rule ORDER comes out as on a real host: most rules are inserted (-I) at the
 * top of their chain, port rules are appended (-A), jump rules are deleted and re-inserted.
 */
import type { BridgeRuleConfig, PortForward } from './firewall.ts';
import type { IPTable as Firewall, RuleAction } from './ip-table.ts';
import type { VersionProfile } from './profile.ts';

export const DOCKER_CHAIN = 'DOCKER';
export const ISOLATION_STAGE_1 = 'DOCKER-ISOLATION-STAGE-1';
export const ISOLATION_STAGE_2 = 'DOCKER-ISOLATION-STAGE-2';
export const ISOLATION_PAIRWISE = 'DOCKER-ISOLATION';
export const DOCKER_USER = 'DOCKER-USER';

export type { BridgeRuleConfig, GatewayMode, PortForward } from './firewall.ts';

/** The chain that holds the per-network isolation rules in this profile. */
export function isolationChain(profile: VersionProfile): string {
  return profile.isolation === 'two-stage' ? ISOLATION_STAGE_1 : ISOLATION_PAIRWISE;
}

/** Driver start (setupIPChains): the DOCKER chains and the isolation chains with RETURN. */
export function setupIPChains(fw: Firewall, profile: VersionProfile): void {
  fw.newChain('nat', DOCKER_CHAIN);
  fw.newChain('filter', DOCKER_CHAIN);
  if (profile.isolation === 'two-stage') {
    fw.newChain('filter', ISOLATION_STAGE_1);
    fw.newChain('filter', ISOLATION_STAGE_2);
    fw.addReturnRule(ISOLATION_STAGE_1);
    fw.addReturnRule(ISOLATION_STAGE_2);
  } else {
    fw.newChain('filter', ISOLATION_PAIRWISE);
    fw.addReturnRule(ISOLATION_PAIRWISE);
  }
}

/**
 * Driver start on a host that already has Docker's chains (removeIPChains): drop the nat
 * jumps, then flush and delete the chains. A chain still referenced (filter DOCKER from
 * FORWARD) is only flushed: its -X fails, as on the real host.
 */
export function removeIPChains(fw: Firewall, profile: VersionProfile): void {
  if (profile.isolation === 'two-stage')
    fw.programRule('filter', 'FORWARD', '-D', ['-j', ISOLATION_PAIRWISE]);
  for (const output of [
    ['-m', 'addrtype', '--dst-type', 'LOCAL', '!', '--dst', loopbackNet(fw), '-j', DOCKER_CHAIN],
    ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', DOCKER_CHAIN],
  ]) {
    fw.programRule('nat', 'OUTPUT', '-D', output);
  }
  fw.programRule('nat', 'PREROUTING', '-D', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', DOCKER_CHAIN]);
  const chains: Array<['nat' | 'filter', string]> = [
    ['nat', DOCKER_CHAIN],
    ['filter', DOCKER_CHAIN],
    ...(profile.isolation === 'two-stage'
      ? ([
          ['filter', ISOLATION_STAGE_1],
          ['filter', ISOLATION_STAGE_2],
        ] as Array<['filter', string]>)
      : []),
    ['filter', ISOLATION_PAIRWISE],
  ];
  for (const [table, chain] of chains) if (fw.chainExists(table, chain)) fw.flushAndDelete(table, chain);
}

/** What nat OUTPUT's jump skips unless hairpin (iptables.loopbackAddress): per family. */
const loopbackNet = (fw: Firewall): string => (fw.family === 'ipv6' ? '::1/128' : '127.0.0.0/8');

/** programChainRule: insert at the top when absent, or delete when present. */
function chainRule(
  fw: Firewall,
  table: 'nat' | 'filter',
  chain: string,
  args: string[],
  insert: boolean,
): void {
  const exists = fw.exists(table, chain, args);
  if (insert && !exists) fw.run(['-t', table, '-I', chain, ...args]);
  if (!insert && exists) fw.run(['-t', table, '-D', chain, ...args]);
}

/** setIcc: ACCEPT inserted at the top, or (icc=false) DROP appended at the bottom. */
function setIcc(fw: Firewall, bridge: string, icc: boolean, insert: boolean): void {
  const base = ['-i', bridge, '-o', bridge, '-j'];
  const accept = [...base, 'ACCEPT'];
  const drop = [...base, 'DROP'];
  if (insert) {
    if (!icc) {
      fw.run(['-D', 'FORWARD', ...accept]);
      if (!fw.exists('filter', 'FORWARD', drop)) fw.run(['-A', 'FORWARD', ...drop]);
    } else {
      fw.run(['-D', 'FORWARD', ...drop]);
      if (!fw.exists('filter', 'FORWARD', accept)) fw.run(['-I', 'FORWARD', ...accept]);
    }
  } else {
    if (!icc) fw.run(['-D', 'FORWARD', ...drop]);
    else if (fw.exists('filter', 'FORWARD', accept)) fw.run(['-D', 'FORWARD', ...accept]);
  }
}

/** setupIPTablesInternal: masquerade, skip-DNAT, hairpin masquerade, icc, outgoing ACCEPT. */
function setupIPTablesInternal(fw: Firewall, c: BridgeRuleConfig, insert: boolean): void {
  const nat = c.snatSource
    ? ['-s', c.subnet, '!', '-o', c.bridge, '-j', 'SNAT', '--to-source', c.snatSource]
    : ['-s', c.subnet, '!', '-o', c.bridge, '-j', 'MASQUERADE'];
  const hairpinNat = c.snatSource
    ? ['-m', 'addrtype', '--src-type', 'LOCAL', '-o', c.bridge, '-j', 'SNAT', '--to-source', c.snatSource]
    : ['-m', 'addrtype', '--src-type', 'LOCAL', '-o', c.bridge, '-j', 'MASQUERADE'];
  if (c.masquerade) chainRule(fw, 'nat', 'POSTROUTING', nat, insert);
  if (c.masquerade && !c.hairpin)
    chainRule(fw, 'nat', DOCKER_CHAIN, ['-i', c.bridge, '-j', 'RETURN'], insert);
  if (c.hairpin) chainRule(fw, 'nat', 'POSTROUTING', hairpinNat, insert);
  setIcc(fw, c.bridge, c.icc, insert);
  chainRule(fw, 'filter', 'FORWARD', ['-i', c.bridge, '!', '-o', c.bridge, '-j', 'ACCEPT'], insert);
}

/** ProgramChain for the nat DOCKER chain: PREROUTING and OUTPUT jumps (appended once). */
function programNatChain(fw: Firewall, hairpin: boolean): void {
  const pre = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', DOCKER_CHAIN];
  if (!fw.exists('nat', 'PREROUTING', pre)) fw.run(['-t', 'nat', '-A', 'PREROUTING', ...pre]);
  const out = hairpin ? pre : [...pre, '!', '--dst', loopbackNet(fw)];
  if (!fw.exists('nat', 'OUTPUT', out)) fw.run(['-t', 'nat', '-A', 'OUTPUT', ...out]);
}

/** ProgramChain for the filter DOCKER chain: `-o br -j DOCKER` and the conntrack ACCEPT. */
function programFilterChain(fw: Firewall, bridge: string, enable: boolean): void {
  const link = ['-o', bridge, '-j', DOCKER_CHAIN];
  const established = ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'];
  for (const args of [link, established]) {
    const exists = fw.exists('filter', 'FORWARD', args);
    if (enable && !exists) fw.run(['-I', 'FORWARD', ...args]);
    if (!enable && exists) fw.run(['-D', 'FORWARD', ...args]);
  }
}

/** setupInternalNetworkRules: traffic may not leave or enter the subnet; icc as asked. */
function internalRules(fw: Firewall, profile: VersionProfile, c: BridgeRuleConfig, insert: boolean): void {
  const chain = isolationChain(profile);
  // ip6tables names both interfaces (the IPv6 branch of setupInternalNetworkRules, 26.1).
  const v6 = fw.family === 'ipv6';
  const inbound = v6 ? ['-i', c.bridge, '!', '-o', c.bridge] : ['-i', c.bridge];
  const outbound = v6 ? ['!', '-i', c.bridge, '-o', c.bridge] : ['-o', c.bridge];
  chainRule(fw, 'filter', chain, [...inbound, '!', '-d', c.subnet, '-j', 'DROP'], insert);
  chainRule(fw, 'filter', chain, [...outbound, '!', '-s', c.subnet, '-j', 'DROP'], insert);
  setIcc(fw, c.bridge, c.icc, insert);
}

/** bridgeNetwork.setupIPTables (enable) — the per-network rules plus the FORWARD jump. */
export function setupNetworkRules(fw: Firewall, profile: VersionProfile, c: BridgeRuleConfig): void {
  if (c.internal) internalRules(fw, profile, c, true);
  else {
    setupIPTablesInternal(fw, c, true);
    programNatChain(fw, c.hairpin);
    programFilterChain(fw, c.bridge, true);
  }
  fw.ensureJumpRule('FORWARD', isolationChain(profile));
}

/** The clean-up functions registered by setupIPTables, in registration order. */
export function removeNetworkRules(fw: Firewall, profile: VersionProfile, c: BridgeRuleConfig): void {
  if (c.internal) internalRules(fw, profile, c, false);
  else {
    setupIPTablesInternal(fw, c, false);
    programFilterChain(fw, c.bridge, false);
  }
}

/**
 * Isolation between this network and the others (setupNetworkIsolationRules).
 * two-stage: one rule per network in each stage, inserted at the top.
 * pairwise: for every other non-internal bridge, DROP in both directions.
 */
export function isolateNetwork(
  fw: Firewall,
  profile: VersionProfile,
  c: BridgeRuleConfig,
  others: readonly BridgeRuleConfig[],
  enable: boolean,
): void {
  if (c.internal) return;
  const action: RuleAction = enable ? '-I' : '-D';
  if (profile.isolation === 'two-stage') {
    fw.programRule('filter', ISOLATION_STAGE_1, action, [
      '-i',
      c.bridge,
      '!',
      '-o',
      c.bridge,
      '-j',
      ISOLATION_STAGE_2,
    ]);
    fw.programRule('filter', ISOLATION_STAGE_2, action, ['-o', c.bridge, '-j', 'DROP']);
    return;
  }
  for (const o of others) {
    if (o.internal || o.bridge === c.bridge) continue;
    for (const [a, b] of [
      [c.bridge, o.bridge],
      [o.bridge, c.bridge],
    ] as const) {
      fw.programRule('filter', ISOLATION_PAIRWISE, action, ['-i', a, '-o', b, '-j', 'DROP']);
    }
  }
}

/** arrangeUserFilterRule: DOCKER-USER with RETURN, its FORWARD jump moved to the top. */
export function arrangeUserFilterRule(fw: Firewall, profile: VersionProfile): void {
  if (!profile.dockerUserChain) return;
  fw.newChain('filter', DOCKER_USER);
  fw.addReturnRule(DOCKER_USER);
  fw.ensureJumpRule('FORWARD', DOCKER_USER);
}

/** ChainInfo.Forward: DNAT in nat DOCKER, ACCEPT in filter DOCKER, MASQUERADE for hairpin. */
export function forwardPort(fw: Firewall, action: '-A' | '-D', p: PortForward): void {
  const any = p.hostIp === '0.0.0.0' || p.hostIp === '::';
  const daddr = any ? (fw.family === 'ipv6' ? '::/0' : '0/0') : p.hostIp;
  // net.JoinHostPort: an IPv6 destination is bracketed.
  const to = fw.family === 'ipv6' ? `[${p.containerIp}]` : p.containerIp;
  const dnat = [
    '-p',
    p.protocol,
    '-d',
    daddr,
    '--dport',
    String(p.hostPort),
    '-j',
    'DNAT',
    '--to-destination',
    `${to}:${p.containerPort}`,
  ];
  if (!p.hairpin) dnat.push('!', '-i', p.bridge);
  fw.programRule('nat', DOCKER_CHAIN, action, dnat);
  fw.programRule('filter', DOCKER_CHAIN, action, [
    '!',
    '-i',
    p.bridge,
    '-o',
    p.bridge,
    '-p',
    p.protocol,
    '-d',
    p.containerIp,
    '--dport',
    String(p.containerPort),
    '-j',
    'ACCEPT',
  ]);
  fw.programRule('nat', 'POSTROUTING', action, [
    '-p',
    p.protocol,
    '-s',
    p.containerIp,
    '-d',
    p.containerIp,
    '--dport',
    String(p.containerPort),
    '-j',
    'MASQUERADE',
  ]);
}
