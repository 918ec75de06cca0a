/** docker-proxy: the userland proxy that listens on published ports. */
import { Then, When } from '@cucumber/cucumber';
import type { Listener } from '../src/netfilter/host-types.ts';
import { parseIp } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

function isDockerProxy(l: Listener): boolean {
  return l.owner === undefined ? l.forwardTo !== undefined : l.owner.includes('docker-proxy');
}

function describeListeners(listeners: readonly Listener[]): string {
  if (listeners.length === 0) return 'nothing listens';
  return listeners.map((l) => `${l.owner ?? '?'} on ${l.address}:${l.port}/${l.protocol}`).join(', ');
}

When(/^I kill docker-proxy(?: for port (\d+))?$/, async function (this: NettwinWorld, port: number | null) {
  // Cucumber passes null for an optional group that did not match.
  await (await this.host()).killDockerProxy(port ?? undefined);
});

Then(
  /^docker-proxy listens on (\S+):(\d+)$/,
  async function (this: NettwinWorld, addressText: string, port: number) {
    // `[::]:8080`, as ss and docker port print an IPv6 listener.
    const address = this.value(() => parseIp(addressText.replace(/^\[(.*)\]$/, '$1')));
    const listeners = await (await this.host()).listeners();
    const found = listeners.some((l) => isDockerProxy(l) && l.address === address && l.port === port);
    if (!found)
      this.fail(`no docker-proxy listens on ${address}:${port}; on the host ${describeListeners(listeners)}`);
  },
);

Then('no docker-proxy listens on port {int}', async function (this: NettwinWorld, port: number) {
  const listeners = await (await this.host()).listeners();
  const found = listeners.filter((l) => isDockerProxy(l) && l.port === port);
  if (found.length > 0) this.fail(`docker-proxy still listens on port ${port}: ${describeListeners(found)}`);
});
