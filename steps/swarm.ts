/** Swarm mode on one node (src/docker/swarm.ts): the model only, real hosts here have no IPVS. */
import { Given, When } from '@cucumber/cucumber';
import type { Backend } from '../src/backends/backend.ts';
import { type IngressPort, parseServicePublish } from '../src/docker/swarm-script.ts';
import type { NettwinWorld } from './world.ts';

type SwarmBackend = Required<Pick<Backend, 'swarmInit' | 'createService'>>;

/**
 * The backend with its Docker host, when it can run swarm steps. Real hosts cannot run the
 * routing mesh: the step says so before any host starts, instead of half-working.
 */
async function swarmBackend(world: NettwinWorld): Promise<SwarmBackend> {
  const backend = await world.backend();
  const { swarmInit, createService } = backend;
  if (!swarmInit || !createService)
    world.fail(
      `swarm steps run on the model backend only (this is "${backend.name}"): swarm's routing mesh needs IPVS ` +
        '(CONFIG_IP_VS), which the kernel of the Docker hosts here lacks. Tag the scenario @model-only.',
    );
  await world.host();
  return { swarmInit: swarmInit.bind(backend), createService: createService.bind(backend) };
}

Given('a one-node swarm', async function (this: NettwinWorld) {
  await (await swarmBackend(this)).swarmInit();
});

When(
  /^I create a service "([^"]+)" publishing (\S+)$/,
  async function (this: NettwinWorld, name: string, publish: string) {
    let port: IngressPort;
    try {
      port = parseServicePublish(publish);
    } catch (error) {
      this.fail(`"${publish}": ${(error as Error).message} (expected PUBLISHED:TARGET, e.g. 8080:80)`, error);
    }
    await (await swarmBackend(this)).createService({ name, image: 'busybox', replicas: 1, ports: [port] });
  },
);
