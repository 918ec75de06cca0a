/** User-defined bridge networks: subnet, gateway, bridge name, internal, icc. */
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { NetworkOptions } from '../src/backends/backend.ts';
import { cidrContains, parseCidr, parseIp, parseName } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

const NETWORK =
  '(internal )?bridge network "([^"]+)"(?: with subnet (\\S+?)(?: and gateway (\\S+?))?)?(?: (with|and) IPv6(?: subnet (\\S+?))?)?(?: named bridge "([^"]+)")?( with icc disabled)?' +
  // `-o com.docker.network.bridge.gateway_mode_ipv6=MODE` (27.0+; 26.1 ignores the option).
  '(?: with IPv6 gateway mode (nat|nat-unprotected|routed|isolated))?' +
  // `-o com.docker.network.bridge.gateway_mode_ipv4=MODE` (28.0+ for isolated; 26.1 ignores it).
  '(?: with IPv4 gateway mode (nat|nat-unprotected|routed|isolated))?';

type Arg = string | null;

/**
 * `tried`: the sentence of a `When I try to create …` step. Name, subnet and gateway go
 * to Docker as written, so that Docker (real or model) is the one that refuses them.
 */
function networkOptions(world: NettwinWorld, captures: Arg[], tried = false): NetworkOptions {
  const [
    internal,
    nameText,
    subnetText,
    gatewayText,
    ipv6,
    subnet6Text,
    bridgeText,
    iccDisabled,
    mode6,
    mode4,
  ] = captures;
  const name = tried ? (nameText ?? '') : world.value(() => parseName(nameText ?? '', 'network'));
  if (!tried && world.networks.has(name)) world.fail(`network "${name}" already exists in this scenario`);
  const options: NetworkOptions = { name, driver: 'bridge' };
  if (subnetText) options.subnet = tried ? subnetText : world.value(() => parseCidr(subnetText, 'ipv4'));
  if (gatewayText) {
    const gateway = tried ? gatewayText : world.value(() => parseIp(gatewayText, 'ipv4'));
    if (!tried && options.subnet && !cidrContains(options.subnet, gateway)) {
      world.fail(`gateway ${gateway} is outside subnet ${options.subnet}`);
    }
    options.gateway = gateway;
  }
  // `docker network create --ipv6 [--subnet V6]`: the IPv6 half beside Docker's IPv4 subnet.
  if (ipv6) options.ipv6 = true;
  if (subnet6Text) options.subnet6 = tried ? subnet6Text : world.value(() => parseCidr(subnet6Text, 'ipv6'));
  if (internal) options.internal = true;
  const driverOptions: Record<string, string> = {};
  if (bridgeText)
    driverOptions['com.docker.network.bridge.name'] = world.value(() => parseName(bridgeText, 'bridge'));
  if (iccDisabled) driverOptions['com.docker.network.bridge.enable_icc'] = 'false';
  if (mode6) driverOptions['com.docker.network.bridge.gateway_mode_ipv6'] = mode6;
  if (mode4) driverOptions['com.docker.network.bridge.gateway_mode_ipv4'] = mode4;
  if (Object.keys(driverOptions).length > 0) options.options = driverOptions;
  return options;
}

Given(
  new RegExp(`^an? ${NETWORK}$`),
  async function (
    this: NettwinWorld,
    a: Arg,
    b: Arg,
    c: Arg,
    d: Arg,
    e: Arg,
    f: Arg,
    g: Arg,
    h: Arg,
    i: Arg,
    j: Arg,
  ) {
    const options = networkOptions(this, [a, b, c, d, e, f, g, h, i, j]);
    const backend = await this.host();
    this.networks.set(options.name, await backend.createNetwork(options));
  },
);

// The same sentence, when Docker is expected to refuse it (a taken name, an overlapping subnet).
When(
  new RegExp(`^I try to create an? ${NETWORK}$`),
  async function (
    this: NettwinWorld,
    a: Arg,
    b: Arg,
    c: Arg,
    d: Arg,
    e: Arg,
    f: Arg,
    g: Arg,
    h: Arg,
    i: Arg,
    j: Arg,
  ) {
    const options = networkOptions(this, [a, b, c, d, e, f, g, h, i, j], true);
    const backend = await this.host();
    try {
      this.networks.set(options.name, await backend.createNetwork(options));
      this.refusal = undefined;
    } catch (error) {
      if ((error as Error).name === 'TwinMismatchError') throw error;
      this.refusal = { action: `docker network create ${options.name}`, error: error as Error };
    }
  },
);

When('I remove network {network}', async function (this: NettwinWorld, name: string) {
  this.knownNetwork(name);
  await (await this.host()).removeNetwork(name);
  this.networks.delete(name);
});

// Docker refuses to remove a network a container is still attached to: nothing changes.
When('I try to remove network {network}', async function (this: NettwinWorld, name: string) {
  this.knownNetwork(name);
  const backend = await this.host();
  try {
    await backend.removeNetwork(name);
    this.networks.delete(name);
    this.refusal = undefined;
  } catch (error) {
    if ((error as Error).name === 'TwinMismatchError') throw error;
    this.refusal = { action: `docker network rm ${name}`, error: error as Error };
  }
});

// What Docker handed out, for scenarios that leave the subnet to Docker's IPAM.
Then('network {network} has subnet {cidr}', function (this: NettwinWorld, name: string, cidr: string) {
  const got = this.knownNetwork(name).subnet;
  if (got !== cidr) this.fail(`network "${name}" got subnet ${got}, not ${cidr}`);
});

// Docker's IPAM changed in 27.0: a scenario about removal and reuse says what each version hands out.
Then(
  'network {network} has, by Docker version:',
  function (this: NettwinWorld, name: string, table: DataTable) {
    const version = this.dockerVersion ?? this.fail('no Docker host started yet');
    const rows = table.hashes() as Array<{ docker?: string; subnet?: string }>;
    const row = rows.find((r) => r.docker !== undefined && version.startsWith(r.docker));
    if (!row?.subnet) this.fail(`no row for Docker ${version} (columns: docker, subnet)`);
    const got = this.knownNetwork(name).subnet;
    if (got !== row.subnet)
      this.fail(`network "${name}" got subnet ${got} on Docker ${version}, not ${row.subnet}`);
  },
);
