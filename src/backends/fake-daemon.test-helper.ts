/**
 * Test helper: a stand-in daemon holding a recorded host (rules from a ground-truth
 * dump, interfaces and containers from its transcript), for model and twin tests that
 * must not depend on the Docker model's own rule writing.
 */
import assert from 'node:assert/strict';
import { groundTruthStep } from '../compare/fixtures.test-helper.ts';
import type { HostState, Listener, Neighbour } from '../netfilter/host-types.ts';
import { runIptables } from '../netfilter/iptables/index.ts';
import { zeroCounters } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import type { ContainerInfo, ContainerOptions, NetworkInfo, NetworkOptions } from './backend.ts';
import { createModelBackend, type DaemonModel, type DaemonModelFactory } from './model.ts';
import { RECORDED_TRAFFIC } from './model-http.ts';

export interface Fixture {
  ruleset: Ruleset;
  bridges: Array<{ name: string; address: string }>;
  containers: Record<string, { address: string; dev: string; listeners?: Neighbour['listeners'] }>;
  listeners?: Listener[];
}

/** A daemon that already holds the recorded host; run() only places known containers. */
export function fakeDaemon(f: Fixture): DaemonModelFactory {
  return {
    start(options) {
      zeroCounters(f.ruleset);
      const state: HostState = {
        firewall: [{ framework: 'iptables-nft', family: 'ipv4', ruleset: f.ruleset }],
        interfaces: [
          { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
          ...(options.uplink ? [options.uplink] : []),
          ...f.bridges.map((b) => ({
            name: b.name,
            kind: 'bridge' as const,
            addresses: [{ address: b.address, prefix: 16 }],
          })),
        ],
        routes: options.defaultVia ? [{ destination: 'default', dev: 'eth0', via: options.defaultVia }] : [],
        sysctls: { 'net.ipv4.ip_forward': '1' },
        listeners: f.listeners ?? [],
        neighbours: [],
      };
      const daemon: DaemonModel = {
        createNetwork: (o: NetworkOptions): NetworkInfo => ({
          name: o.name,
          id: o.name,
          bridge: o.name,
          subnet: '',
          gateway: '',
        }),
        removeNetwork() {},
        resolveName: () => undefined,
        run(o: ContainerOptions): ContainerInfo {
          const c = f.containers[o.name];
          assert.ok(c, `fixture has no container ${o.name}`);
          state.neighbours.push({
            name: o.name,
            address: c.address,
            dev: c.dev,
            listeners: c.listeners ?? [],
          });
          return { name: o.name, id: o.name, network: o.network ?? 'bridge', address: c.address };
        },
        remove() {},
        restart() {},
        iptables: (argv) => runIptables(f.ruleset, argv),
        sysctl(key, value) {
          state.sysctls[key] = value;
        },
        killDockerProxy() {
          state.listeners = [];
        },
        learnBridgeName() {},
        learnDnsPorts() {},
        host: () => state,
        ruleset: () => f.ruleset,
      };
      return daemon;
    },
  };
}

export type RulesetEdit = (r: Ruleset) => void;

export function e2Backend(edit?: RulesetEdit) {
  const ruleset = groundTruthStep('e2-cross-bridge', 'test1 pings test3 across bridges');
  edit?.(ruleset);
  return createModelBackend({
    // Recorded traffic: busybox httpd serving a file, delayed ACKs.
    traffic: RECORDED_TRAFFIC,
    daemonFactory: fakeDaemon({
      ruleset,
      bridges: [
        { name: 'docker0', address: '172.17.0.1' },
        { name: 'test_web', address: '172.30.0.1' },
      ],
      containers: {
        test1: { address: '172.17.0.2', dev: 'docker0' },
        test3: { address: '172.30.0.2', dev: 'test_web', listeners: [{ protocol: 'tcp', port: 9000 }] },
        test4: { address: '172.30.0.3', dev: 'test_web' },
      },
    }),
  });
}

export function e3Backend(edit?: RulesetEdit) {
  const ruleset = groundTruthStep('e3-publish-and-proxy', 'external client GETs host:8080 (outer');
  edit?.(ruleset);
  return createModelBackend({
    // Recorded traffic: busybox httpd serving a file, delayed ACKs.
    traffic: RECORDED_TRAFFIC,
    daemonFactory: fakeDaemon({
      ruleset,
      bridges: [
        { name: 'docker0', address: '172.17.0.1' },
        { name: 'test_net', address: '172.18.0.1' },
      ],
      containers: {
        'nginx-demo': { address: '172.18.0.66', dev: 'test_net', listeners: [{ protocol: 'tcp', port: 80 }] },
        box: { address: '172.17.0.2', dev: 'docker0' },
      },
      listeners: [
        {
          protocol: 'tcp',
          address: '0.0.0.0',
          port: 8080,
          forwardTo: { address: '172.18.0.66', port: 80 },
          owner: 'docker-proxy',
        },
      ],
    }),
  });
}
