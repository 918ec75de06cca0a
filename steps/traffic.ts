/**
 * Traffic between containers, the host and the outside world. Every traffic step
 * zeroes the counters, sends, and reads the deltas (NettwinWorld.observe).
 */
import { Then, When } from '@cucumber/cucumber';
import type { Actor } from '../src/backends/backend.ts';
import { type HttpUrl, parseCount, parseHttpUrl, parseIp, parseName } from './lib/values.ts';
import type { NettwinWorld } from './world.ts';

/**
 * The outer client ("the outside world") as a name: backends resolve it with
 * resolveAddress('external') and report what it saw with lastSeenSource('external').
 */
const EXTERNAL = 'external';

function actorFrom(world: NettwinWorld, who: string): Actor {
  if (who === 'the host') return { kind: 'host' };
  if (who === 'an external client' || who === 'the external client') return { kind: 'external' };
  return world.actor(world.value(() => parseName(who.replace(/^"|"$/g, ''), 'container')));
}

function label(actor: Actor): string {
  return actor.kind === 'container'
    ? `"${actor.name}"`
    : actor.kind === 'host'
      ? 'the host'
      : 'an external client';
}

// `"test1" pings "test3"`, `… pings "test4" by name`, `the host pings 172.18.0.2 3 times`
When(
  /^("[^"]+"|the host|the external client) pings (?:"([^"]+)"( by name)?|(\S+))(?: (\d+) times?)?$/,
  async function (
    this: NettwinWorld,
    who: string,
    target: string | null,
    byName: string | null,
    address: string | null,
    countText: number | null,
  ) {
    const from = actorFrom(this, who);
    const count = countText == null ? 1 : this.value(() => parseCount(String(countText)));
    if (target != null && byName) {
      this.knownContainer(target);
      await this.pingByName(from, target, count);
      return;
    }
    let to: string;
    if (target != null) to = await this.addressOf(target);
    else to = this.value(() => parseIp(address ?? ''));
    if (from.kind === 'container' && this.standalone) {
      // A snapshot's container: on a standalone host it is a neighbour played by its address.
      await this.pingFromAddress(await this.addressOf(from.name), to, count);
      return;
    }
    await this.observe('ping', `${label(from)} pings ${to} ${count} times`, async (b) => ({
      ping: await b.ping(from, to, count),
    }));
  },
);

When(
  /^("[^"]+"|the host) pings the external client(?: (\d+) times?)?$/,
  async function (this: NettwinWorld, who: string, countText: number | null) {
    const from = actorFrom(this, who);
    const count = countText == null ? 1 : this.value(() => parseCount(String(countText)));
    const to = await (await this.host()).resolveAddress(EXTERNAL);
    await this.observe(
      'ping',
      `${label(from)} pings the external client (${to}) ${count} times`,
      async (b) => ({
        ping: await b.ping(from, to, count),
      }),
    );
  },
);

When(
  /^(an external client|the host|"[^"]+") requests (\S+|\S*<host ip>\S*)$/,
  async function (this: NettwinWorld, who: string, urlText: string) {
    const from = actorFrom(this, who);
    const expanded = await this.expandHostIp(urlText);
    const parsed: HttpUrl = this.value(() => parseHttpUrl(expanded));
    await this.observe('http', `${label(from)} requests ${parsed.url}`, async (b) => ({
      request: await b.httpGet(from, parsed.url),
    }));
  },
);

When(
  '{container} sends {string} to {container} on tcp port {int}',
  async function (this: NettwinWorld, who: string, payload: string, target: string, port: number) {
    const from = this.actor(who);
    const to = await this.addressOf(target);
    await this.observe('tcp', `"${who}" sends "${payload}" to ${to}:${port}`, async (b) => ({
      request: await b.tcpSend(from, to, port, payload),
    }));
  },
);

Then('the ping succeeds', function (this: NettwinWorld) {
  const o = this.lastObservation('ping');
  if (o.error) this.fail(`${o.description} failed: ${o.error.message}`);
  const p = o.ping ?? this.fail(`${o.description} returned no result`);
  if (p.sent === 0 || p.received !== p.sent) {
    this.fail(`${o.description}: ${p.received} of ${p.sent} echo requests were answered; expected all`);
  }
});

Then('the ping fails', function (this: NettwinWorld) {
  const o = this.lastObservation('ping');
  if (o.error) return;
  const p = o.ping ?? this.fail(`${o.description} returned no result`);
  if (p.received !== 0)
    this.fail(`${o.description}: ${p.received} of ${p.sent} echo requests were answered; expected none`);
});

Then('the name {string} cannot be resolved', function (this: NettwinWorld, name: string) {
  const o = this.lastObservation('ping');
  if (!o.error) {
    this.fail(
      `${o.description} resolved "${name}" (${o.ping?.received ?? 0} replies); expected "bad address"`,
    );
  }
  // Only a resolver's refusal counts; any other failure of the step is reported as such.
  if (!/bad address|unknown host|resolve|resolution|not known/i.test(o.error.message)) {
    this.fail(`${o.description} failed, but not for want of a name: ${o.error.message}`);
  }
});

Then('the request succeeds with body {string}', function (this: NettwinWorld, body: string) {
  const o = this.lastObservation();
  const r = o.request ?? this.fail(`${o.description} was not a request`);
  if (r.outcome !== 'ok')
    this.fail(`${o.description} ended "${r.outcome}"; expected a response with body "${body}"`);
  if ((r.body ?? '').trim() !== body)
    this.fail(`${o.description} returned body "${r.body ?? ''}"; expected "${body}"`);
});

Then(/^the request (succeeds|is refused|times out)$/, function (this: NettwinWorld, how: string) {
  const o = this.lastObservation();
  const r = o.request ?? this.fail(`${o.description} was not a request`);
  const expected = { succeeds: 'ok', 'is refused': 'refused', 'times out': 'timeout' }[how];
  if (r.outcome !== expected) this.fail(`${o.description} ended "${r.outcome}"; expected "${expected}"`);
});

// What the receiver saw as the source, after any SNAT/MASQUERADE on the way.
Then(
  /^(the external client|"[^"]+") sees the (?:request|ping|connection) come from (\S+)$/,
  async function (this: NettwinWorld, who: string, sourceText: string) {
    const source = this.value(() => parseIp(sourceText));
    const name = who === 'the external client' ? EXTERNAL : who.slice(1, -1);
    if (name !== EXTERNAL) this.knownContainer(name);
    const o = this.lastObservation();
    const fromRequest = o.kind === 'ping' ? undefined : o.request?.seenSource;
    const seen = fromRequest ?? (await (await this.activeBackend()).lastSeenSource(name));
    if (seen !== source) {
      this.fail(
        `"${name}" saw ${o.description} come from ${seen ?? 'nowhere (nothing arrived)'}; expected ${source}`,
      );
    }
  },
);
