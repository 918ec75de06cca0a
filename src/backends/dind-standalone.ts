/** A standalone host (a restored dump, a Linux router, a snapshot) built on a DinD host. */
import { DindExecError } from '../dind/errors.ts';
import { interfacePlan, runHostPlan } from '../dind/standalone-host.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { emptyRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import type { StandaloneHostSpec } from './backend.ts';

/** What iptables-restore gets for a router with no rules: empty tables, ACCEPT policies. */
export const EMPTY_RULESET = serializeRuleset(emptyRuleset(['filter', 'nat']));

/** Interfaces, then the dump through iptables-restore, then native nft tables through `nft -f`. */
export async function restoreStandaloneHost(host: StartedDindHost, spec: StandaloneHostSpec): Promise<void> {
  await runHostPlan(host, interfacePlan(spec), 'the interfaces of the restored host');
  const rules = spec.rulesetText.trim() ? spec.rulesetText : EMPTY_RULESET;
  // The dump is data: it reaches iptables-restore on stdin as "$1", never as shell words.
  await host.run(['sh', '-ec', 'printf %s "$1" | iptables-restore', 'sh', rules]);
  if (!spec.nftRulesetText) return;
  // Native nft tables (firewalld, Docker 29's docker-bridges …) go in beside them, as
  // data, without their recorded counters (`counter` alone starts at zero).
  const text = serializeNftRuleset(
    parseNftRuleset(spec.nftRulesetText, { file: spec.file ?? 'nft ruleset' }),
    {
      stateless: true,
    },
  );
  const nft = await host.exec(['sh', '-ec', 'printf %s "$1" | nft -f -', 'sh', text]);
  if (nft.exitCode !== 0) {
    throw new DindExecError(
      host.name,
      `nft -f (the native nft tables of ${spec.file ?? 'the host'})`,
      nft.exitCode,
      nft.stdout,
      nft.stderr,
    );
  }
}
