/**
 * The outside world: a workload container on the outer network (192.168.70.10 by
 * default), so "an external client requests http://192.168.70.6:8080/" is real
 * traffic from another host, never from the runner.
 */
import createDebug from 'debug';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { DindExecError } from './errors.ts';
import { commandText, toArgv } from './exec-result.ts';
import { SESSION_ID, sessionLabels } from './labels.ts';
import type { StartedOuterNetwork } from './outer-network.ts';
import type { ExecResult } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

class OuterClientContainer extends GenericContainer {
  constructor(image: string, name: string, network: StartedOuterNetwork) {
    super(image);
    this.withName(name)
      .withHostname('external')
      .withLabels(sessionLabels('outer-client'))
      .withNetworkMode(network.name)
      .withCommand(['sleep', 'infinity'])
      // ping -i 0.2 needs CAP_NET_RAW (default) and nothing else.
      .withAutoRemove(false);
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: network.clientAddress } } },
    };
  }
}

export class StartedOuterClient implements AsyncDisposable {
  constructor(
    private readonly container: StartedTestContainer,
    readonly address: string,
  ) {}

  get name(): string {
    return this.container.getName().replace(/^\//, '');
  }

  async exec(command: string | string[]): Promise<ExecResult> {
    const r = await this.container.exec(toArgv(command));
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  async run(command: string | string[]): Promise<string> {
    const r = await this.exec(command);
    if (r.exitCode !== 0)
      throw new DindExecError(this.name, commandText(command), r.exitCode, r.stdout, r.stderr);
    return r.stdout;
  }

  async stop(): Promise<void> {
    log('Stopping outer client "%s"...', this.name);
    await this.container.stop({ timeout: 0, remove: true, removeVolumes: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export async function startOuterClient(
  image: string,
  network: StartedOuterNetwork,
): Promise<StartedOuterClient> {
  const name = `nettwin-${SESSION_ID}-external-${process.pid}`;
  log('Starting outer client "%s" at %s...', name, network.clientAddress);
  const container = await new OuterClientContainer(image, name, network).start();
  log('Started outer client "%s" with ID "%s"', name, container.getId());
  return new StartedOuterClient(container, network.clientAddress);
}
