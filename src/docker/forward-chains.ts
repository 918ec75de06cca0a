/**
 * The iptables commands of Docker 28.x's bridge driver (moby v28.5.2,
 * libnetwork/drivers/bridge/internal/iptabler), in the order it runs them. Since 28.0 the
 * driver keeps FORWARD to two jumps (DOCKER-USER, DOCKER-FORWARD) and splits the rest:
 *
 *   DOCKER-FORWARD  -j DOCKER-CT, -j DOCKER-ISOLATION-STAGE-1, -j DOCKER-BRIDGE, then the
 *                   per-bridge "outgoing" ACCEPT (and icc=false DROP)
 *   DOCKER-CT       -o br --ctstate RELATED,ESTABLISHED ACCEPT, per bridge
 *   DOCKER-BRIDGE   -o br -j DOCKER, per bridge
 *   DOCKER          per-port ACCEPTs at the top, then per bridge `! -i br -o br -j DROP`
 *                   (nat-unprotected: ACCEPT), so nothing unpublished gets in even when
 *                   the isolation DROPs are deleted (seeds 000 and 004 no longer open)
 *   raw PREROUTING  `-d <container> ! -i br -j DROP` per endpoint (no direct routing to
 *                   containers, moby#45610) and `-d 127.0.0.1 ! -i lo … -j DROP` for ports
 *                   published on loopback
 *
 * Rule.Append/Insert/Delete in 28.x check existence first, so every helper here does too.
 * No chain gets a trailing RETURN any more (28.0 dropped them).
 *
 * 29.x (moby docker-v29.7.2, daemon/libnetwork/drivers/bridge/internal/iptabler) keeps
 * this layout without the isolation chains (profile.isolation 'none'): the DOCKER chain's
 * per-bridge DROP is what keeps other networks out of unpublished ports, internal
 * networks' DROPs go to DOCKER-INTERNAL (called from DOCKER-FORWARD between DOCKER-CT and
 * DOCKER-BRIDGE), and nat DOCKER gets no `-i <bridge> -j RETURN` (profile.natReturnPerBridge).
 *
 * ip6tables (the IPTable's family 'ipv6', on by default since 27.0) gets the same layout
 * with the differences moby's iptabler testdata (`__ip6tables.golden`, v28.5.2 and
 * docker-v29.7.2) shows: nat OUTPUT skips `::1/128`, routed networks accept `icmpv6`,
 * internal networks' DROPs name both interfaces, each DNAT skips link-local sources
 * (`! -s fe80::/10`), and no raw drop guards ports published on loopback.
 */
import type { BridgeRuleConfig, PortForward } from './bridge-rules.ts';
import type { IPTable as Firewall } from './ip-table.ts';
import type { VersionProfile } from './profile.ts';
import type { BridgeRuleWriter } from './rule-writer.ts';

const DOCKER = 'DOCKER';
const DOCKER_FORWARD = 'DOCKER-FORWARD';
const DOCKER_BRIDGE = 'DOCKER-BRIDGE';
const DOCKER_CT = 'DOCKER-CT';
/** 29.x: internal networks' DROPs. */
const DOCKER_INTERNAL = 'DOCKER-INTERNAL';
const STAGE_1 = 'DOCKER-ISOLATION-STAGE-1';
const STAGE_2 = 'DOCKER-ISOLATION-STAGE-2';
const OLD_ISOLATION = 'DOCKER-ISOLATION';
const DOCKER_USER = 'DOCKER-USER';
/** The ipset 28.0.0 matched in FORWARD, per family; later 28.x deletes those rules at start. */
const legacyIpset = (fw: Firewall): string =>
  fw.family === 'ipv6' ? 'docker-ext-bridges-v6' : 'docker-ext-bridges-v4';
/** What nat OUTPUT's jump skips unless hairpin (iptables.loopbackAddress). */
const loopbackNet = (fw: Firewall): string => (fw.family === 'ipv6' ? '::1/128' : '127.0.0.0/8');
/** Any address as `-d` of a DNAT rule (iptables omits it; "0/0" is what Docker passes). */
const anyAddress = (fw: Firewall): string => (fw.family === 'ipv6' ? '::/0' : '0/0');

type Table = 'raw' | 'nat' | 'filter';

/** Rule.Append: append unless the rule is already anywhere in the chain. */
function append(fw: Firewall, table: Table, chain: string, args: string[]): void {
  if (!fw.exists(table, chain, args)) fw.run(['-t', table, '-A', chain, ...args]);
}

/** Rule.Insert: insert at the top unless the rule is already anywhere in the chain. */
function insert(fw: Firewall, table: Table, chain: string, args: string[]): void {
  if (!fw.exists(table, chain, args)) fw.run(['-t', table, '-I', chain, ...args]);
}

/** Rule.Delete: delete if present. */
function remove(fw: Firewall, table: Table, chain: string, args: string[]): void {
  if (fw.exists(table, chain, args)) fw.run(['-t', table, '-D', chain, ...args]);
}

const appendOrDelete = (fw: Firewall, t: Table, chain: string, args: string[], on: boolean): void =>
  on ? append(fw, t, chain, args) : remove(fw, t, chain, args);
const insertOrDelete = (fw: Firewall, t: Table, chain: string, args: string[], on: boolean): void =>
  on ? insert(fw, t, chain, args) : remove(fw, t, chain, args);

const routed = (c: BridgeRuleConfig): boolean => c.gatewayMode === 'routed';
const unprotected = (c: BridgeRuleConfig): boolean => c.gatewayMode === 'nat-unprotected';

/** nat PREROUTING/OUTPUT jumps to DOCKER (addNATJumpRules); OUTPUT skips loopback unless hairpin. */
function natJumps(fw: Firewall, hairpin: boolean): { pre: string[]; out: string[] } {
  const pre = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', DOCKER];
  return { pre, out: hairpin ? pre : [...pre, '!', '--dst', loopbackNet(fw)] };
}

/** removeIPChains: the old isolation jump, then each chain flushed and deleted (errors ignored). */
function removeIPChains(fw: Firewall, layout: Layout29): void {
  fw.programRule('filter', 'FORWARD', '-D', ['-j', OLD_ISOLATION]);
  // ChainInfo.Remove for nat DOCKER also drops the PREROUTING/OUTPUT jumps (both OUTPUT forms).
  const { pre, out } = natJumps(fw, false);
  fw.run(['-t', 'nat', '-D', 'PREROUTING', ...pre]);
  fw.run(['-t', 'nat', '-D', 'OUTPUT', ...out]);
  fw.run(['-t', 'nat', '-D', 'OUTPUT', ...pre]);
  // 29.x removes DOCKER-FORWARD and DOCKER-BRIDGE before the filter DOCKER chain they lead to.
  const docker: Array<[Table, string]> = layout.stages
    ? [
        ['filter', DOCKER],
        ['filter', DOCKER_FORWARD],
        ['filter', DOCKER_BRIDGE],
        ['filter', DOCKER_CT],
      ]
    : [
        ['filter', DOCKER_FORWARD],
        ['filter', DOCKER_BRIDGE],
        ['filter', DOCKER],
        ['filter', DOCKER_CT],
        ['filter', DOCKER_INTERNAL],
      ];
  const chains: Array<[Table, string]> = [
    ['nat', DOCKER],
    ...docker,
    ['filter', STAGE_1],
    ['filter', STAGE_2],
    ['filter', OLD_ISOLATION],
  ];
  // A chain still referenced (28.x: DOCKER from DOCKER-BRIDGE; DOCKER-FORWARD from FORWARD)
  // is only flushed: its -X fails, as on the real host.
  for (const [table, chain] of chains) if (fw.chainExists(table, chain)) fw.flushAndDelete(table, chain);
}

/**
 * setupIPChains: the chains, the nat jumps, and DOCKER-FORWARD's three jumps (re-)inserted
 * in reverse: DOCKER-CT, then STAGE-1 (28.x) or DOCKER-INTERNAL (29.x), then DOCKER-BRIDGE.
 */
function setupIPChains(fw: Firewall, hairpin: boolean, layout: Layout29): void {
  fw.newChain('nat', DOCKER);
  const middle = layout.stages ? STAGE_1 : DOCKER_INTERNAL;
  const chains = layout.stages
    ? [DOCKER, DOCKER_FORWARD, DOCKER_BRIDGE, DOCKER_CT, STAGE_1, STAGE_2]
    : [DOCKER, DOCKER_FORWARD, DOCKER_BRIDGE, DOCKER_CT, DOCKER_INTERNAL];
  for (const chain of chains) fw.newChain('filter', chain);
  const { pre, out } = natJumps(fw, hairpin);
  append(fw, 'nat', 'PREROUTING', pre);
  append(fw, 'nat', 'OUTPUT', out);
  fw.ensureJumpRule('FORWARD', DOCKER_FORWARD);
  fw.ensureJumpRule(DOCKER_FORWARD, DOCKER_BRIDGE);
  fw.ensureJumpRule(DOCKER_FORWARD, middle);
  fw.ensureJumpRule(DOCKER_FORWARD, DOCKER_CT);
  // Rules a 28.0.0 daemon put in FORWARD.
  remove(fw, 'filter', 'FORWARD', ['-m', 'set', '--match-set', legacyIpset(fw), 'dst', '-j', DOCKER]);
  remove(fw, 'filter', 'FORWARD', ['-j', STAGE_1]);
  remove(fw, 'filter', 'FORWARD', [
    '-m',
    'set',
    '--match-set',
    legacyIpset(fw),
    'dst',
    '-m',
    'conntrack',
    '--ctstate',
    'RELATED,ESTABLISHED',
    '-j',
    'ACCEPT',
  ]);
}

/** setIcc: an internal network with icc keeps an explicit ACCEPT; icc=false appends a DROP. */
function setIcc(fw: Firewall, bridge: string, icc: boolean, internal: boolean, on: boolean): void {
  const base = ['-i', bridge, '-o', bridge, '-j'];
  const accept = [...base, 'ACCEPT'];
  const drop = [...base, 'DROP'];
  appendOrDelete(fw, 'filter', DOCKER_FORWARD, accept, on && icc && internal);
  appendOrDelete(fw, 'filter', DOCKER_FORWARD, drop, on && !icc);
  if (on) {
    // What 28.0.0 and older inserted into FORWARD itself.
    remove(fw, 'filter', 'FORWARD', accept);
    remove(fw, 'filter', 'FORWARD', drop);
  }
}

/** setupNonInternalNetworkRules: NAT, skip-DNAT, hairpin NAT, icc, routed ICMP, outgoing ACCEPT. */
function nonInternalRules(fw: Firewall, c: BridgeRuleConfig, on: boolean, layout: Layout29): void {
  const snat = c.snatSource ? ['SNAT', '--to-source', c.snatSource] : ['MASQUERADE'];
  if (c.masquerade) {
    if (!routed(c))
      insertOrDelete(fw, 'nat', 'POSTROUTING', ['-s', c.subnet, '!', '-o', c.bridge, '-j', ...snat], on);
    // With the userland proxy, packets from this bridge are not DNATed: the proxy takes them.
    if (!c.hairpin && layout.natReturn)
      insertOrDelete(fw, 'nat', DOCKER, ['-i', c.bridge, '-j', 'RETURN'], on);
  }
  const hairpinNat = ['-m', 'addrtype', '--src-type', 'LOCAL', '-o', c.bridge, '-j', ...snat];
  insertOrDelete(fw, 'nat', 'POSTROUTING', hairpinNat, on && c.hairpin);
  setIcc(fw, c.bridge, c.icc, false, on);
  // Routed networks answer pings from anywhere (the DOCKER chain drops everything else).
  const icmp = fw.family === 'ipv6' ? 'icmpv6' : 'icmp';
  if (routed(c)) appendOrDelete(fw, 'filter', DOCKER, ['-o', c.bridge, '-p', icmp, '-j', 'ACCEPT'], on);
  const outNoIcc = ['-i', c.bridge, '!', '-o', c.bridge, '-j', 'ACCEPT'];
  if (on) remove(fw, 'filter', 'FORWARD', outNoIcc);
  if (c.icc) {
    const outIcc = ['-i', c.bridge, '-j', 'ACCEPT'];
    appendOrDelete(fw, 'filter', DOCKER_FORWARD, outIcc, on);
    if (on) remove(fw, 'filter', 'FORWARD', outIcc);
  } else appendOrDelete(fw, 'filter', DOCKER_FORWARD, outNoIcc, on);
}

/** setINC: inter-network isolation; a routed network lets everything in (the DOCKER chain filters). */
function setInc(fw: Firewall, c: BridgeRuleConfig, on: boolean): void {
  if (routed(c)) {
    insertOrDelete(fw, 'filter', STAGE_1, ['-o', c.bridge, '-j', 'RETURN'], on);
    insertOrDelete(
      fw,
      'filter',
      STAGE_1,
      ['-i', c.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
      on,
    );
  }
  appendOrDelete(fw, 'filter', STAGE_1, ['-i', c.bridge, '!', '-o', c.bridge, '-j', STAGE_2], on);
  insertOrDelete(fw, 'filter', STAGE_2, ['-o', c.bridge, '-j', 'DROP'], on);
}

/** setupInternalNetworkRules: nothing leaves or enters the subnet (STAGE-1 or DOCKER-INTERNAL DROPs); icc as asked. */
function internalRules(fw: Firewall, c: BridgeRuleConfig, on: boolean, layout: Layout29): void {
  const chain = layout.stages ? STAGE_1 : DOCKER_INTERNAL;
  // ip6tables names both interfaces (moby setupInternalNetworkRules' IPv6 branch).
  const v6 = fw.family === 'ipv6';
  const inbound = v6 ? ['-i', c.bridge, '!', '-o', c.bridge] : ['-i', c.bridge];
  const outbound = v6 ? ['!', '-i', c.bridge, '-o', c.bridge] : ['-o', c.bridge];
  insertOrDelete(fw, 'filter', chain, [...inbound, '!', '-d', c.subnet, '-j', 'DROP'], on);
  insertOrDelete(fw, 'filter', chain, [...outbound, '!', '-s', c.subnet, '-j', 'DROP'], on);
  setIcc(fw, c.bridge, c.icc, true, on);
}

/** network.setupIPTables (on) and its clean-up functions in registration order (off). */
function networkRules(fw: Firewall, c: BridgeRuleConfig, on: boolean, layout: Layout29): void {
  if (c.internal) {
    internalRules(fw, c, on, layout);
    return;
  }
  nonInternalRules(fw, c, on, layout);
  if (on) {
    // deleteLegacyFilterRules: per-bridge rules older daemons put in FORWARD.
    remove(fw, 'filter', 'FORWARD', ['-o', c.bridge, '-j', DOCKER]);
    remove(fw, 'filter', 'FORWARD', [
      '-o',
      c.bridge,
      '-m',
      'conntrack',
      '--ctstate',
      'RELATED,ESTABLISHED',
      '-j',
      'ACCEPT',
    ]);
  }
  // setDefaultForwardRule: appended, so per-port ACCEPTs (inserted) stay above it.
  const dflt = ['!', '-i', c.bridge, '-o', c.bridge, '-j', unprotected(c) ? 'ACCEPT' : 'DROP'];
  appendOrDelete(fw, 'filter', DOCKER, dflt, on);
  appendOrDelete(
    fw,
    'filter',
    DOCKER_CT,
    ['-o', c.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    on,
  );
  appendOrDelete(fw, 'filter', DOCKER_BRIDGE, ['-o', c.bridge, '-j', DOCKER], on);
  if (layout.stages) setInc(fw, c, on);
}

/** filterDirectAccess: only the bridge (and trusted interfaces) may address a container directly. */
function directAccess(fw: Firewall, c: BridgeRuleConfig, address: string, on: boolean): void {
  if (c.internal || unprotected(c) || routed(c)) return;
  for (const dev of c.trustedHostInterfaces ?? [])
    appendOrDelete(fw, 'raw', 'PREROUTING', ['-d', address, '-i', dev, '-j', 'ACCEPT'], on);
  appendOrDelete(fw, 'raw', 'PREROUTING', ['-d', address, '!', '-i', c.bridge, '-j', 'DROP'], on);
}

const isLoopbackV4 = (ip: string): boolean => ip.startsWith('127.');

/** setPerPortIptables for one binding of the table's family (the firewall drops mixed-family bindings). */
function portRules(fw: Firewall, c: BridgeRuleConfig, p: PortForward, on: boolean): void {
  if (c.internal) return;
  const port = String(p.containerPort);
  const hostPort = String(p.hostPort);
  // filterPortMappedOnLoopback: a port on 127.0.0.1 is not reachable from other interfaces.
  if (p.hostPort !== 0 && isLoopbackV4(p.hostIp)) {
    const where = ['-p', p.protocol, '-d', p.hostIp, '--dport', hostPort];
    remove(fw, 'raw', 'PREROUTING', [...where, '-i', 'loopback0', '-j', 'ACCEPT']);
    appendOrDelete(fw, 'raw', 'PREROUTING', [...where, '!', '-i', 'lo', '-j', 'DROP'], on);
  }
  // dropLegacyFilterDirectAccess: the per-port raw DROP of 28.0/28.1 goes.
  if (!unprotected(c) && !routed(c)) {
    remove(fw, 'raw', 'PREROUTING', [
      '-p',
      p.protocol,
      '-d',
      p.containerIp,
      '--dport',
      port,
      '!',
      '-i',
      p.bridge,
      '-j',
      'DROP',
    ]);
  }
  // setPerPortNAT: only a binding with a host port is NATed (routed networks map none: hostPort 0).
  if (p.hostPort !== 0) {
    const any = p.hostIp === '0.0.0.0' || p.hostIp === '::';
    const dnat = ['-p', p.protocol, '-d', any ? anyAddress(fw) : p.hostIp, '--dport', hostPort];
    const to = fw.family === 'ipv6' ? `[${p.containerIp}]:${port}` : `${p.containerIp}:${port}`;
    dnat.push('-j', 'DNAT', '--to-destination', to);
    if (!c.hairpin) dnat.push('!', '-i', p.bridge);
    // Link-local sources are never DNATed (moby setPerPortNAT, IPv6 only).
    if (fw.family === 'ipv6') dnat.push('!', '-s', 'fe80::/10');
    appendOrDelete(fw, 'nat', DOCKER, dnat, on);
    const masq = ['-p', p.protocol, '-s', p.containerIp, '-d', p.containerIp, '--dport', port];
    appendOrDelete(fw, 'nat', 'POSTROUTING', [...masq, '-j', 'MASQUERADE'], on && c.hairpin);
  }
  if (!unprotected(c)) {
    const open = ['!', '-i', p.bridge, '-o', p.bridge, '-p', p.protocol, '-d', p.containerIp];
    insertOrDelete(fw, 'filter', DOCKER, [...open, '--dport', port, '-j', 'ACCEPT'], on);
  }
}

export interface ForwardChainsOptions {
  /** dockerd --allow-direct-routing: no raw drops for container addresses (cleaned up if present). */
  allowDirectRouting: boolean;
  /** The version's flavour of the layout (profile.isolation, profile.natReturnPerBridge). */
  profile?: Pick<VersionProfile, 'isolation' | 'natReturnPerBridge'>;
}

/** What 29.x changed in the layout: isolation stages (28.x) or DOCKER-INTERNAL, nat RETURNs or none. */
interface Layout29 {
  stages: boolean;
  natReturn: boolean;
}

export function forwardChainsWriter(options: ForwardChainsOptions): BridgeRuleWriter {
  const layout: Layout29 = {
    stages: (options.profile?.isolation ?? 'two-stage') !== 'none',
    natReturn: options.profile?.natReturnPerBridge ?? true,
  };
  return {
    startDriver(fw, daemon) {
      removeIPChains(fw, layout);
      setupIPChains(fw, daemon.hairpin, layout);
    },
    recreateChains(fw, daemon) {
      setupIPChains(fw, daemon.hairpin, layout);
    },
    controllerUp(fw) {
      // setupUserChains: created once per controller start, jump moved to the top of FORWARD.
      fw.newChain('filter', DOCKER_USER);
      fw.ensureJumpRule('FORWARD', DOCKER_USER);
    },
    networkCreated() {},
    addNetwork(fw, c) {
      networkRules(fw, c, true, layout);
    },
    removeNetwork(fw, c) {
      networkRules(fw, c, false, layout);
    },
    addEndpoint(fw, c, address) {
      directAccess(fw, c, address, !options.allowDirectRouting);
    },
    removeEndpoint(fw, c, address) {
      directAccess(fw, c, address, false);
    },
    forwardPort(fw, c, action, p) {
      portRules(fw, c, p, action === '-A');
    },
  };
}
