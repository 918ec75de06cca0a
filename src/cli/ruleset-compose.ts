/**
 * `nettwin ruleset --compose FILE [--project-name P]`: the ruleset a compose stack leaves
 * on a host — the compose file read by src/compose into its plan, carried out on the
 * Docker model of `--docker-version` (networks, then containers in start order, each
 * joining its other networks), then printed as `nettwin ruleset --script` prints it.
 */
import { readFileSync } from 'node:fs';
import { ComposeError, composeDirectoryName, readCompose } from '../compose/index.ts';
import { DockerDaemonModel } from '../docker/daemon-model.ts';

/** A compose file nettwin cannot read (exit 2), or that Docker refuses to bring up. */
export class ComposeRulesetError extends Error {
  override name = 'ComposeRulesetError';
}

export interface ComposeRulesetOptions {
  compose: string;
  projectName?: string;
  dockerVersion: string;
  baseline?: 'bare' | 'dind';
}

/** The Docker model after `docker compose up -d` of the file. */
export function composeModel(o: ComposeRulesetOptions): DockerDaemonModel {
  let text: string;
  try {
    text = readFileSync(o.compose, 'utf8');
  } catch (error) {
    throw new ComposeRulesetError(
      `--compose ${o.compose}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let plan: ReturnType<typeof readCompose>;
  try {
    plan = readCompose(text, {
      file: o.compose,
      directoryName: composeDirectoryName(o.compose),
      ...(o.projectName !== undefined ? { projectName: o.projectName } : {}),
    });
  } catch (error) {
    if (error instanceof ComposeError) throw new ComposeRulesetError(error.message);
    throw error;
  }
  const model = DockerDaemonModel.start({
    version: o.dockerVersion,
    ...(o.baseline ? { baseline: o.baseline } : {}),
  });
  const external = plan.networks.filter((n) => n.external).map((n) => n.name);
  if (external.length > 0)
    throw new ComposeRulesetError(
      `${o.compose}: external networks (${external.join(', ')}) exist only on a real host; ` +
        'a ruleset of the stack alone needs networks it creates',
    );
  for (const step of plan.steps) {
    const action =
      step.kind === 'network' ? `network ${step.network.name}` : `container ${step.container.options.name}`;
    try {
      if (step.kind === 'network') {
        if (step.network.options) model.createNetwork(step.network.options);
        continue;
      }
      const { options, connect } = step.container;
      model.run(options);
      for (const c of connect) model.connect(c.network, options.name, c.endpoint.ip, c.endpoint.aliases);
    } catch (error) {
      throw new ComposeRulesetError(`${o.compose}: Docker refuses ${action}: ${(error as Error).message}`);
    }
  }
  return model;
}
