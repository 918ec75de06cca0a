/** Docker hosts where ufw was enabled at boot, before dockerd (`ufw --force enable`). */
import { Given } from '@cucumber/cucumber';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import type { NettwinWorld } from './world.ts';

Given(
  /^a Docker host with ufw(?: running Docker (\d+\.\d+))?(?: with daemon options "([^"]*)")?$/,
  async function (this: NettwinWorld, version: string | null, options: string | null) {
    await this.host({
      dockerVersion: version ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
      daemonOptions: options?.split(/\s+/).filter(Boolean) ?? [],
      hostFirewall: 'ufw',
    });
  },
);
