/** Docker hosts with a host firewall framework running before dockerd (firewalld). */
import { Given } from '@cucumber/cucumber';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import type { NettwinWorld } from './world.ts';

Given(
  /^a Docker host with firewalld(?: running Docker (\d+\.\d+))?(?: with daemon options "([^"]*)")?$/,
  async function (this: NettwinWorld, version: string | null, options: string | null) {
    await this.host({
      dockerVersion: version ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
      daemonOptions: options?.split(/\s+/).filter(Boolean) ?? [],
      hostFirewall: 'firewalld',
    });
  },
);
