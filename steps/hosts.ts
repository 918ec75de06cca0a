/** Docker hosts, and hosts that are not built by Docker (a replayed dump, a netns router). */
import { type DataTable, Given, When } from '@cucumber/cucumber';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import { parseCount, parseIp } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

Given(
  /^a Docker host(?: running Docker (\d+\.\d+))?(?: with daemon options "([^"]*)")?$/,
  async function (this: NettwinWorld, version: string | null, options: string | null) {
    await this.host({
      dockerVersion: version ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
      daemonOptions: options?.split(/\s+/).filter(Boolean) ?? [],
    });
  },
);

// IPv6 on in the host and its outside world from the start (real hosts: eth0 fd70::6/64,
// quiet sysctls before dockerd starts); the model needs nothing for it.
Given(
  /^a Docker host with IPv6(?: running Docker (\d+\.\d+))?(?: and daemon options "([^"]*)")?$/,
  async function (this: NettwinWorld, version: string | null, options: string | null) {
    await this.host({
      dockerVersion: version ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
      daemonOptions: options?.split(/\s+/).filter(Boolean) ?? [],
      ipv6: true,
    });
  },
);

Given(
  'a host restored from the iptables-save in {string} with interfaces:',
  async function (this: NettwinWorld, file: string, table: DataTable) {
    await this.restoreHost(file, table);
  },
);

Given('a host like the one in snapshot {string}', async function (this: NettwinWorld, file: string) {
  await this.snapshotHost(file);
});

Given('a Linux router with interfaces:', async function (this: NettwinWorld, table: DataTable) {
  await this.linuxRouter(table);
});

Given('its default route goes via {ip} on {string}', function (this: NettwinWorld, via: string, dev: string) {
  // A described host is IPv4 only for now (its interfaces table takes IPv4 addresses).
  if (via.includes(':'))
    this.fail(`${via}: a described host takes an IPv4 default route (IPv6 is not modelled there yet)`);
  this.standaloneDefaultRoute(via, dev);
});

When(
  /^(\S+) sends a ping to (\S+) on that host(?: (\d+) times?)?$/,
  async function (this: NettwinWorld, from: string, to: string, count: number | null) {
    const src = this.value(() => parseIp(from, 'ipv4'));
    const dst = this.value(() => parseIp(to, 'ipv4'));
    await this.pingFromAddress(src, dst, count == null ? 1 : this.value(() => parseCount(String(count))));
  },
);
