/**
 * A compose file on the twin: the real host runs `docker compose up -d` (dind-compose.ts),
 * the model then carries out the plan with what the real host decided fixed in it
 * (src/compose/learn.ts: subnets, addresses, creation and start order), as the twin
 * learns a network's id and bridge name. What is compared after: each network's subnet
 * and gateway, each container's address, and (by the caller) the whole ruleset.
 */
import { orderedByRules, pinnedPlan } from '../compose/learn.ts';
import type { ComposePlan } from '../compose/plan.ts';
import { composeUp } from '../compose/up.ts';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import type { Backend } from './backend.ts';
import type { ComposeHostBackend, HostComposeUp } from './compose-host.ts';
import type { ModelBackend } from './model-contract.ts';
import { learnNetwork } from './twin-learning.ts';
import { TwinMismatchError } from './twin-mismatch.ts';

export async function composeOnTwin(
  action: string,
  real: ComposeHostBackend & Pick<Backend, 'readRuleset'>,
  model: ModelBackend,
  plan: ComposePlan,
): Promise<HostComposeUp> {
  let realUp: HostComposeUp;
  try {
    realUp = await real.composeUp(plan);
  } catch (error) {
    // Refused on both sides is the scenario's answer; only on the real host, a mismatch.
    const modelSide = await composeUp(model, plan).then(
      () => undefined,
      (e: Error) => e,
    );
    if (modelSide) throw error;
    throw new TwinMismatchError({
      action,
      other: [`the real host refused (${oneLine(error)}), the model did not`],
    });
  }
  const learnt = realUp.learnt && orderedByRules(realUp.learnt, await ruleOrder(real));
  const modelUp = await composeUp(model, learnt ? pinnedPlan(plan, learnt) : plan).catch((error: Error) => {
    throw new TwinMismatchError({
      action,
      other: [`the real host brought the stack up, the model refused: ${oneLine(error)}`],
    });
  });
  const other: string[] = [];
  for (const r of realUp.networks) {
    const m = modelUp.networks.find((n) => n.name === r.name);
    if (!m) other.push(`network ${r.name}: the model did not create it`);
    else {
      learnNetwork(model, r.name, r, m);
      if (r.subnet !== m.subnet) other.push(`network ${r.name} subnet: real ${r.subnet}, model ${m.subnet}`);
      if (r.gateway !== m.gateway)
        other.push(`network ${r.name} gateway: real ${r.gateway}, model ${m.gateway}`);
    }
  }
  for (const r of realUp.containers) {
    const m = modelUp.containers.find((c) => c.info.name === r.info.name);
    if (m?.info.address !== r.info.address)
      other.push(
        `container ${r.info.name} address: real ${r.info.address ?? '(none)'}, model ${m?.info.address ?? '(none)'}`,
      );
  }
  if (other.length > 0) throw new TwinMismatchError({ action, other });
  return realUp;
}

/** An error's message on one line (compose's own error is the last line of its output). */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' / ');
}

/** Each chain's rules (their text), in order, of the real host's iptables. */
async function ruleOrder(real: Pick<Backend, 'readRuleset'>): Promise<string[][]> {
  return iptablesOf(await real.readRuleset()).tables.flatMap((t) =>
    t.chains.map((c) => c.rules.map((r) => r.text)),
  );
}
