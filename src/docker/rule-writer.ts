/**
 * An iptables chain layout: what Docker's bridge driver does to iptables at each
 * life-cycle event. 'legacy' (17.03 … 26.1) is bridge-rules.ts, 28.x ('forward-chains')
 * is forward-chains.ts. The iptables backend (iptables-firewall.ts) drives one of these;
 * the daemon model sees only the `Firewall` interface (firewall.ts).
 */
import {
  arrangeUserFilterRule,
  forwardPort,
  isolateNetwork,
  removeIPChains,
  removeNetworkRules,
  setupIPChains,
  setupNetworkRules,
} from './bridge-rules.ts';
import type { BridgeRuleConfig, PortForward } from './firewall.ts';
import { forwardChainsWriter } from './forward-chains.ts';
import type { IPTable } from './ip-table.ts';
import type { VersionProfile } from './profile.ts';

export interface BridgeRuleWriter {
  /** The driver starts (dockerd start or restart): old chains go, Docker's chains are set up. */
  startDriver(fw: IPTable, daemon: { hairpin: boolean }): void;
  /** firewalld reloaded: Docker's chains are set up again (nothing is removed first). */
  recreateChains(fw: IPTable, daemon: { hairpin: boolean }): void;
  /** The network controller is up (restored networks programmed, default bridge not yet). */
  controllerUp(fw: IPTable): void;
  /** After a network is created (not restored): where DOCKER-USER is re-arranged (legacy). */
  networkCreated(fw: IPTable): void;
  /** A bridge network is programmed; `others` are the networks programmed before it. */
  addNetwork(fw: IPTable, c: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void;
  /** A bridge network's rules are cleaned up; `others` are the networks that stay. */
  removeNetwork(fw: IPTable, c: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void;
  /** A container's endpoint with this IPv4 address joins / leaves the network. */
  addEndpoint(fw: IPTable, c: BridgeRuleConfig, address: string): void;
  removeEndpoint(fw: IPTable, c: BridgeRuleConfig, address: string): void;
  /** A published port's rules are added (-A) or removed (-D). */
  forwardPort(fw: IPTable, c: BridgeRuleConfig, action: '-A' | '-D', p: PortForward): void;
  /**
   * Only the isolation rules of a network, in the other family's table. Up to 26.1 the
   * driver isolates every non-internal network in ip6tables once ip6tables is on, IPv6 or
   * not (moby v26.1.5 bridge_linux.go isolateNetwork); later layouts have no such rules.
   */
  isolateOnly?(fw: IPTable, c: BridgeRuleConfig, others: readonly BridgeRuleConfig[], enable: boolean): void;
  /**
   * A firewalld reload runs a removed network's leftover callback (until 27.x): its network
   * rules come back, its isolation rules do not. Later layouts reload live networks only.
   */
  reloadRemovedNetwork?(fw: IPTable, c: BridgeRuleConfig): void;
}

/** 17.03 … 26.1: rules in FORWARD itself, DOCKER-USER re-arranged after every network. */
function legacyWriter(profile: VersionProfile): BridgeRuleWriter {
  return {
    startDriver(fw) {
      removeIPChains(fw, profile);
      setupIPChains(fw, profile);
    },
    recreateChains(fw) {
      setupIPChains(fw, profile);
    },
    controllerUp() {},
    addNetwork(fw, c, others) {
      setupNetworkRules(fw, profile, c);
      isolateNetwork(fw, profile, c, others, true);
    },
    reloadRemovedNetwork(fw, c) {
      setupNetworkRules(fw, profile, c);
    },
    networkCreated(fw) {
      arrangeUserFilterRule(fw, profile);
    },
    removeNetwork(fw, c, others) {
      removeNetworkRules(fw, profile, c);
      isolateNetwork(fw, profile, c, others, false);
    },
    addEndpoint() {},
    removeEndpoint() {},
    forwardPort(fw, _c, action, p) {
      forwardPort(fw, action, p);
    },
    isolateOnly(fw, c, others, enable) {
      isolateNetwork(fw, profile, c, others, enable);
    },
  };
}

export interface WriterOptions {
  /** dockerd --allow-direct-routing (28.x): no raw PREROUTING drops for container addresses. */
  allowDirectRouting?: boolean;
}

export function ruleWriterFor(profile: VersionProfile, options: WriterOptions = {}): BridgeRuleWriter {
  return profile.layout === 'forward-chains'
    ? forwardChainsWriter({ allowDirectRouting: options.allowDirectRouting ?? false, profile })
    : legacyWriter(profile);
}
