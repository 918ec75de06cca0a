/**
 * What the model takes over from the real host instead of predicting it: facts that are
 * random or the kernel's choice there (embedded-DNS ports, network ids and bridge names,
 * the SYN retransmission schedule) and, for a firewalld reload, the state Docker's
 * restore must reach before the real side may be compared. Kept apart from twin.ts so
 * that what the twin does NOT compare is in one place to review; the one exception is a
 * compose stack's subnets, addresses and start order (twin-compose.ts, compose/learn.ts).
 */
import debug from 'debug';
import { findDnsPorts } from '../compare/dns-ports.ts';
import { reloadsFirewalld } from '../dind/firewalld-reload.ts';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import type { Backend, HostCommandOptions, NetworkInfo } from './backend.ts';
import type { ModelBackend } from './model-contract.ts';
import { chainsInAnyOrder, firewallMismatch } from './twin-mismatch.ts';

const log = debug('nettwin:twin');

/** After a host started: its SYN retransmission schedule and embedded-DNS ports. */
export async function learnStartedHost(real: Backend, model: ModelBackend): Promise<void> {
  // The clients' SYN retransmission schedule decides how many SYNs a timeout sends.
  const linear = await real.hostCommand('sysctl -n net.ipv4.tcp_syn_linear_timeouts');
  model.setSynLinearTimeouts(linear.exitCode === 0 ? Number(linear.stdout.trim()) : 0);
  const ports = findDnsPorts(iptablesOf(await real.readRuleset()));
  if (ports.tcp !== undefined && ports.udp !== undefined) model.daemon().learnDnsPorts(ports.tcp, ports.udp);
  log('Started twin host; embedded DNS ports %o', ports);
}

/** Network ids are random on the real host, and an unnamed bridge is br-<12 of the id>. */
export function learnNetwork(
  model: ModelBackend,
  name: string,
  real: NetworkInfo,
  modelInfo: NetworkInfo,
): void {
  const daemon = model.daemon();
  if (real.id) daemon.learnNetworkId?.(name, real.id);
  if (real.bridge !== modelInfo.bridge) daemon.learnBridgeName(name, real.bridge);
}

/**
 * A firewalld reload the model carried out: the real host waits until Docker's restore
 * reaches the firewall the model predicts (src/dind/firewalld-reload.ts). No options for
 * any other command, or when the model refused it.
 */
export async function reloadSettledOptions(
  action: string,
  command: string | string[],
  model: ModelBackend,
  modelSide: Promise<{ ok: boolean }>,
): Promise<HostCommandOptions> {
  if (!reloadsFirewalld(command) || !(await modelSide).ok) return {};
  // In any order within a chain: Docker 28+ binds its bridges in Go map order.
  const predicted = chainsInAnyOrder(await model.readRuleset());
  return {
    firewallSettled: (fw) => firewallMismatch(action, chainsInAnyOrder(fw), predicted) === undefined,
  };
}
