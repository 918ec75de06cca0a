/** Containers: network, fixed address, published ports, what they serve; remove, restart. */
import { Given, Then, When } from '@cucumber/cucumber';
import type { ContainerOptions } from '../src/backends/backend.ts';
import { parseIp, parseName, parsePortMappings } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

// One sentence with optional parts, in the order `docker run` options are usually written.
const CONTAINER =
  'container "([^"]+)"(?: on network "([^"]+)"| with network (host|none))?(?: with ip (\\S+))?' +
  '(?: publishing (.+?))?(?: serving "([^"]*)" over http(?: on port (\\d+))?)?(?: listening on tcp port (\\d+))?' +
  '(?: listening on udp port (\\d+))?';

type Captures = (string | null | undefined)[];

/**
 * `tried`: the sentence of a `When I try to run …` step. Its name and network go to
 * Docker as written, so that Docker (real or model) is the one that refuses them.
 */
function containerOptions(world: NettwinWorld, captures: Captures, tried = false): ContainerOptions {
  const [nameText = '', network, special, ip, publish, body, httpPort, tcpPort, udpPort] = captures;
  const name = tried ? (nameText ?? '') : world.value(() => parseName(nameText ?? '', 'container'));
  if (!tried && world.containers.has(name)) world.fail(`container "${name}" already exists in this scenario`);
  const options: ContainerOptions = { name, network: special ?? 'bridge' };
  if (network) {
    options.network = tried
      ? network
      : world.knownNetwork(world.value(() => parseName(network, 'network'))).name;
  }
  if (ip) options.ip = world.value(() => parseIp(ip, 'ipv4'));
  if (publish) options.publish = world.value(() => parsePortMappings(publish));
  if (body != null) {
    options.httpBody = body;
    options.httpPort = httpPort ? Number(httpPort) : 80;
  }
  if (tcpPort) options.tcpListenPorts = [Number(tcpPort)];
  if (udpPort) options.udpListenPorts = [Number(udpPort)];
  return options;
}

// Cucumber passes null for an optional group that did not match.
type Arg = string | null;

// Cucumber checks a step function's arity against the regexp's groups, so the nine
// optional parts are spelled out.
Given(
  new RegExp(`^${CONTAINER}$`),
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
  ) {
    const options = containerOptions(this, [a, b, c, d, e, f, g, h, i]);
    const backend = await this.host();
    this.containers.set(options.name, await backend.runContainer(options));
  },
);

// The same sentence, when Docker is expected to refuse it (e.g. --ip on the default bridge).
When(
  new RegExp(`^I try to run ${CONTAINER}$`),
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
  ) {
    const options = containerOptions(this, [a, b, c, d, e, f, g, h, i], true);
    const backend = await this.host();
    try {
      this.containers.set(options.name, await backend.runContainer(options));
      this.refusal = undefined;
    } catch (error) {
      // Real host and model disagreeing is no refusal: it fails the step.
      if ((error as Error).name === 'TwinMismatchError') throw error;
      this.refusal = { action: `docker run ${options.name}`, error: error as Error };
    }
  },
);

Then('docker refuses with {string}', function (this: NettwinWorld, expected: string) {
  const refusal = this.refusal ?? this.fail('Docker accepted the last action; expected it to refuse');
  if (!refusal.error.message.includes(expected)) {
    this.fail(
      `${refusal.action} was refused with "${refusal.error.message}", which does not say "${expected}"`,
    );
  }
});

When('I remove container {container}', async function (this: NettwinWorld, name: string) {
  this.knownContainer(name);
  await (await this.host()).removeContainer(name);
  this.containers.delete(name);
});

When('I restart container {container}', async function (this: NettwinWorld, name: string) {
  this.knownContainer(name);
  await (await this.host()).restartContainer(name);
});

When('I start container {container}', async function (this: NettwinWorld, name: string) {
  this.knownContainer(name);
  const backend = await this.host();
  await backend.startContainer(name);
  // Its address may be another one now (the default bridge hands them out in start order).
  const info = this.knownContainer(name);
  this.containers.set(name, { ...info, address: await backend.resolveAddress(name) });
});

// `docker stop`: the container keeps its name; `I start container …` brings it back.
When('I stop container {container}', async function (this: NettwinWorld, name: string) {
  this.knownContainer(name);
  await (await this.host()).stopContainer(name);
});

When(
  'I connect container {container} to network {network}',
  async function (this: NettwinWorld, name: string, network: string) {
    this.knownContainer(name);
    this.knownNetwork(network);
    this.containers.set(name, await (await this.host()).connectNetwork(network, name));
  },
);

When(
  'I disconnect container {container} from network {network}',
  async function (this: NettwinWorld, name: string, network: string) {
    this.knownContainer(name);
    this.knownNetwork(network);
    this.containers.set(name, await (await this.host()).disconnectNetwork(network, name));
  },
);

Then('container {container} has address {ip}', async function (this: NettwinWorld, name: string, ip: string) {
  const got = ip.includes(':') ? await this.address6Of(name) : await this.addressOf(name);
  if (got !== ip) this.fail(`container "${name}" got address ${got ?? 'none'}, not ${ip}`);
});
