/**
 * Docker command scripts run on the daemon model (`nettwin ruleset --script FILE`): the
 * parsed actions (script-parse.ts) applied one by one, refusals reported with their line.
 */
import { DockerDaemonModel, DockerModelError } from './daemon-model.ts';
import { DaemonOptionError } from './daemon-options.ts';
import type { HostBaseline } from './daemon-state.ts';
import { IpamError } from './ipam.ts';
import { PortAllocationError } from './port-allocator.ts';
import { DockerRefusal } from './refusals.ts';
import type { DockerAction } from './script-actions.ts';
import { DockerScriptError } from './script-error.ts';
import { parseDockerScript } from './script-parse.ts';

export type { DockerAction } from './script-actions.ts';
export { DockerScriptError } from './script-error.ts';
export { servedPorts } from './script-flags.ts';
export { parseDockerScript } from './script-parse.ts';

export interface RunScriptOptions {
  version: string;
  file?: string;
  baseline?: HostBaseline;
  seed?: number;
  /**
   * Called for each line Docker (or iptables) refuses; the script goes on, as a shell
   * would, and the model is as if the line had not run. Without it a refusal throws.
   */
  onRefusal?: (error: DockerScriptError) => void;
}

/** Applies one action to a model. Model errors come back as DockerScriptError with the line. */
export function applyAction(model: DockerDaemonModel, a: DockerAction, file = '<script>'): void {
  try {
    switch (a.kind) {
      case 'dockerd':
      case 'model':
      case 'noop':
        return;
      case 'dockerd-restart':
        model.restartDaemon(a.restoreOrder ? { restoreOrder: a.restoreOrder } : {});
        return;
      case 'reboot':
        model.rebootHost(a.restoreOrder ? { restoreOrder: a.restoreOrder } : {});
        return;
      case 'network-create':
        model.createNetwork(a.network);
        return;
      case 'network-rm':
        for (const n of a.names) model.removeNetwork(n);
        return;
      case 'network-connect':
        model.connect(a.network, a.container, a.ip);
        return;
      case 'network-disconnect':
        model.disconnect(a.network, a.container);
        return;
      case 'run':
        model.run(a.container);
        return;
      case 'create':
        model.create(a.container);
        return;
      case 'start':
        for (const n of a.names) model.start(n);
        return;
      case 'stop':
        for (const n of a.names) model.stop(n);
        return;
      case 'restart':
        for (const n of a.names) model.restart(n);
        return;
      case 'rm':
        for (const n of a.names) model.remove(n, { force: a.force });
        return;
      case 'iptables': {
        const r = model.iptables(a.argv);
        if (r.exitCode !== 0) {
          const error = new DockerScriptError(
            file,
            a.line,
            a.words.join(' '),
            // iptables' lines (reason, then its help hint) as one line of the message.
            `iptables failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').join(' ')}`,
          );
          error.refused = true;
          throw error;
        }
        return;
      }
      case 'sysctl':
        model.sysctl(a.key, a.value);
        return;
      case 'kill-proxy':
        model.killDockerProxy(a.hostPort);
        return;
      case 'learn-bridge':
        model.learnBridgeName(a.network, a.bridge);
        return;
      case 'swarm-init':
        model.swarmInit();
        return;
      case 'service-create':
        model.createService(a.service);
        return;
    }
  } catch (e) {
    const refused = e instanceof DockerRefusal || e instanceof IpamError || e instanceof PortAllocationError;
    if (refused || e instanceof DockerModelError || e instanceof DaemonOptionError) {
      const error = new DockerScriptError(file, a.line, a.words.join(' '), e.message);
      error.refused = refused;
      throw error;
    }
    throw e;
  }
}

/** `nettwin ruleset`: start the daemon the script describes and apply every line. */
export function runDockerScript(text: string, options: RunScriptOptions): DockerDaemonModel {
  const file = options.file ?? '<script>';
  const actions = parseDockerScript(text, { file });
  let baseline = options.baseline;
  let seed = options.seed;
  let dnsPorts: { tcp: number; udp: number } | undefined;
  let daemonOptions: string[] = [];
  for (const a of actions) {
    if (a.kind === 'model') {
      baseline = a.baseline ?? baseline;
      seed = a.seed ?? seed;
      dnsPorts = a.dnsPorts ?? dnsPorts;
    } else if (a.kind === 'dockerd') daemonOptions = a.options;
  }
  let model: DockerDaemonModel;
  try {
    model = DockerDaemonModel.start({
      version: options.version,
      daemonOptions,
      ...(baseline ? { baseline } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(dnsPorts ? { dnsPorts } : {}),
    });
  } catch (e) {
    const d = actions.find((a) => a.kind === 'dockerd');
    if (e instanceof DaemonOptionError) throw new DockerScriptError(file, d?.line ?? 1, e.token, e.message);
    throw e;
  }
  for (const a of actions) {
    try {
      applyAction(model, a, file);
    } catch (e) {
      if (!(e instanceof DockerScriptError && e.refused && options.onRefusal)) throw e;
      options.onRefusal(e);
    }
  }
  return model;
}
