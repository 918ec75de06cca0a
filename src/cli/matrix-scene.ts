/**
 * The host a `nettwin matrix` or `nettwin diff` probes: a model backend (no Docker) with
 * Docker of a version and daemon options, a compose stack or a docker script carried out
 * on it, then host commands (`--apply`: iptables, nft, ufw lines). Also what the matrix
 * plan needs to know of it (src/matrix/plan.ts's MatrixHostView). Reads files; errors are
 * MatrixInputError naming the file and line (exit 2).
 */
import { readFileSync } from 'node:fs';
import { parse as parseShell } from 'shell-quote';
import type { Backend, ContainerOptions } from '../backends/backend.ts';
import { createModelBackend, type ModelBackend } from '../backends/model.ts';
import { ComposeError, composeDirectoryName, readCompose } from '../compose/index.ts';
import { composeUp } from '../compose/up.ts';
import { type DockerAction, DockerScriptError, parseDockerScript } from '../docker/script.ts';
import { modelHostView } from '../matrix/model-view.ts';
import type { MatrixHostView } from '../matrix/plan.ts';
import type { ProbeBackend } from '../matrix/probe.ts';
import { formatCidr, makeCidr, parseIPv4 } from '../netfilter/address/index.ts';

/** Input the matrix cannot use: an unreadable file, a line the model refuses (exit 2). */
export class MatrixInputError extends Error {
  override name = 'MatrixInputError';
}

export interface MatrixSceneOptions {
  dockerVersion: string;
  /** dockerd options (`--userland-proxy=false`); a script's `dockerd` line adds to them. */
  daemonOptions: string[];
  compose?: string;
  projectName?: string;
  script?: string;
  /** A `nettwin snapshot` file: the recorded host, as it was (no Docker version or options apply). */
  snapshot?: string;
  /** Host command lines run after the stack is up (iptables, nft, ufw, sysctl). */
  apply?: string;
  /** The external client routes every container subnet via the host (a LAN route, a VPN). */
  directRouting?: boolean;
  /** The neighbour's cells too: a LAN machine that routes the container subnets via the host. */
  neighbour?: boolean;
}

export interface MatrixScene {
  backend: ProbeBackend & Pick<Backend, 'dispose'>;
  view: MatrixHostView;
}

function readInput(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new MatrixInputError(
      `${flag} ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** Splits `--daemon-options "--icc=false --userland-proxy=false"` as a shell would, words only. */
export function splitDaemonOptions(text: string): string[] {
  return parseShell(text).map((w) => {
    if (typeof w !== 'string')
      throw new MatrixInputError(`--daemon-options "${text}": only words, no shell operators or globs`);
    return w;
  });
}

export async function buildScene(o: MatrixSceneOptions): Promise<MatrixScene> {
  const inputs = [o.compose, o.script, o.snapshot].filter((x) => x !== undefined).length;
  if (inputs !== 1)
    throw new MatrixInputError(
      'give one of --compose FILE (a compose file), --script FILE (docker commands) or --snapshot FILE (a recorded host)',
    );
  if (o.snapshot !== undefined) {
    const { snapshotScene } = await import('./matrix-snapshot.ts');
    return snapshotScene(o.snapshot, {
      ...(o.apply !== undefined ? { apply: o.apply } : {}),
      ...(o.directRouting ? { directRouting: true } : {}),
      ...(o.neighbour ? { neighbour: true } : {}),
    });
  }
  const backend = createModelBackend();
  const labels = new Map<string, string>();
  const options = new Map<string, ContainerOptions>();
  if (o.compose !== undefined) {
    const file = o.compose;
    let plan: ReturnType<typeof readCompose>;
    try {
      plan = readCompose(readInput('--compose', file), {
        file,
        directoryName: composeDirectoryName(file),
        ...(o.projectName !== undefined ? { projectName: o.projectName } : {}),
      });
    } catch (error) {
      if (error instanceof ComposeError) throw new MatrixInputError(error.message);
      throw error;
    }
    const external = plan.networks.filter((n) => n.external).map((n) => n.name);
    if (external.length > 0)
      throw new MatrixInputError(
        `${file}: external networks (${external.join(', ')}) exist only on a real host; the model needs networks the stack creates`,
      );
    await startHost(backend, o, o.daemonOptions);
    let current = '';
    try {
      const up = await composeUp(backend, plan, {
        beforeNetwork: (n) => {
          current = `network ${n}`;
        },
        beforeContainer: (n) => {
          current = `container ${n}`;
        },
      });
      for (const { container, info } of up.containers) {
        labels.set(
          info.name,
          container.replica === 1 ? container.service : `${container.service}-${container.replica}`,
        );
        options.set(info.name, container.options);
      }
    } catch (error) {
      throw new MatrixInputError(`${file}: Docker refuses ${current}: ${(error as Error).message}`);
    }
  } else {
    const file = o.script as string;
    let actions: DockerAction[];
    try {
      actions = parseDockerScript(readInput('--script', file), { file });
    } catch (error) {
      if (error instanceof DockerScriptError) throw new MatrixInputError(error.message);
      throw error;
    }
    const dockerd = actions.flatMap((a) => (a.kind === 'dockerd' ? a.options : []));
    await startHost(backend, o, [...o.daemonOptions, ...dockerd]);
    await replayScript(backend, actions, file, (name, opts) => {
      labels.set(name, name);
      options.set(name, opts);
    });
  }
  if (o.apply !== undefined) await applyHostCommands(backend, o.apply, readInput('--apply', o.apply));
  const view = modelHostView(backend, labels, options, o.directRouting === true, o.neighbour === true);
  if (o.directRouting) {
    for (const subnet of new Set(backendSubnets(backend))) await backend.routeViaHost(subnet);
  }
  return { backend, view };
}

async function startHost(
  backend: ModelBackend,
  o: MatrixSceneOptions,
  daemonOptions: string[],
): Promise<void> {
  try {
    await backend.startHost({ dockerVersion: o.dockerVersion, daemonOptions });
  } catch (error) {
    throw new MatrixInputError(
      `Docker ${o.dockerVersion} with options [${daemonOptions.join(' ')}]: ${(error as Error).message}`,
    );
  }
}

/** A docker script's lines through the backend, so its containers are actors that can send. */
async function replayScript(
  backend: ModelBackend,
  actions: readonly DockerAction[],
  file: string,
  ran: (name: string, options: ContainerOptions) => void,
): Promise<void> {
  const created = new Map<string, ContainerOptions>();
  for (const a of actions) {
    const where = `${file}:${a.line}: ${a.words.join(' ')}`;
    try {
      switch (a.kind) {
        case 'dockerd':
        case 'noop':
          break;
        case 'network-create':
          await backend.createNetwork(a.network);
          break;
        case 'network-rm':
          for (const n of a.names) await backend.removeNetwork(n);
          break;
        case 'network-connect':
          await backend.connectNetwork(a.network, a.container, a.ip !== undefined ? { ip: a.ip } : {});
          break;
        case 'network-disconnect':
          await backend.disconnectNetwork(a.network, a.container);
          break;
        case 'run':
          await backend.runContainer(a.container);
          ran(a.container.name, a.container);
          break;
        case 'create':
          created.set(a.container.name, a.container);
          break;
        case 'start':
          for (const n of a.names) {
            const c = created.get(n);
            if (c) {
              created.delete(n);
              await backend.runContainer(c);
              ran(n, c);
            } else await backend.startContainer(n);
          }
          break;
        case 'stop':
          for (const n of a.names) await backend.stopContainer(n);
          break;
        case 'restart':
          for (const n of a.names) await backend.restartContainer(n);
          break;
        case 'rm':
          for (const n of a.names) await backend.removeContainer(n);
          break;
        case 'iptables':
        case 'sysctl': {
          const argv = a.kind === 'iptables' ? a.argv : ['sysctl', '-w', `${a.key}=${a.value}`];
          const r = await backend.hostCommand(argv);
          if (r.exitCode !== 0) throw new Error(r.stderr.trim() || `exit ${r.exitCode}`);
          break;
        }
        case 'kill-proxy':
          await backend.killDockerProxy(a.hostPort);
          break;
        case 'dockerd-restart':
          await backend.restartDaemon();
          break;
        default:
          throw new Error(
            `"${a.kind}" lines are not replayed by nettwin matrix; use nettwin ruleset for them`,
          );
      }
    } catch (error) {
      if (error instanceof MatrixInputError) throw error;
      throw new MatrixInputError(`${where}: ${(error as Error).message}`);
    }
  }
}

/** `--apply FILE`: host command lines (iptables, nft, ufw, sysctl), `#` comments, one per line. */
export async function applyHostCommands(backend: ModelBackend, file: string, text: string): Promise<void> {
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let r: Awaited<ReturnType<ModelBackend['hostCommand']>>;
    try {
      r = await backend.hostCommand(line);
    } catch (error) {
      throw new MatrixInputError(`${file}:${i + 1}: ${line}: ${(error as Error).message}`);
    }
    if (r.exitCode !== 0)
      throw new MatrixInputError(`${file}:${i + 1}: ${line}: exit ${r.exitCode}: ${r.stderr.trim()}`);
  }
}

function backendSubnets(backend: ModelBackend): string[] {
  const bridges = new Set(backend.hostState().neighbours.map((n) => n.dev));
  return backend
    .hostState()
    .interfaces.filter((i) => i.kind === 'bridge' && bridges.has(i.name))
    .flatMap((i) => i.addresses.map((a) => formatCidr(makeCidr(parseIPv4(a.address), a.prefix))));
}
