/** User-defined bridge networks: subnet, gateway, bridge name, internal, icc. */
import { Given, When } from '@cucumber/cucumber';
import type { NetworkOptions } from '../src/backends/backend.ts';
import { cidrContains, parseCidr, parseIp, parseName } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

Given(
  /^an? (internal )?bridge network "([^"]+)"(?: with subnet (\S+?)(?: and gateway (\S+?))?)?(?: named bridge "([^"]+)")?( with icc disabled)?$/,
  async function (
    this: NettwinWorld,
    internal: string | null,
    nameText: string,
    subnetText: string | null,
    gatewayText: string | null,
    bridgeText: string | null,
    iccDisabled: string | null,
  ) {
    const name = this.value(() => parseName(nameText, 'network'));
    if (this.networks.has(name)) this.fail(`network "${name}" already exists in this scenario`);
    const options: NetworkOptions = { name, driver: 'bridge' };
    if (subnetText) options.subnet = this.value(() => parseCidr(subnetText));
    if (gatewayText) {
      const gateway = this.value(() => parseIp(gatewayText));
      if (options.subnet && !cidrContains(options.subnet, gateway)) {
        this.fail(`gateway ${gateway} is outside subnet ${options.subnet}`);
      }
      options.gateway = gateway;
    }
    if (internal) options.internal = true;
    const driverOptions: Record<string, string> = {};
    if (bridgeText)
      driverOptions['com.docker.network.bridge.name'] = this.value(() => parseName(bridgeText, 'bridge'));
    if (iccDisabled) driverOptions['com.docker.network.bridge.enable_icc'] = 'false';
    if (Object.keys(driverOptions).length > 0) options.options = driverOptions;
    const backend = await this.host();
    this.networks.set(name, await backend.createNetwork(options));
  },
);

When('I remove network {network}', async function (this: NettwinWorld, name: string) {
  this.knownNetwork(name);
  await (await this.host()).removeNetwork(name);
  this.networks.delete(name);
});
