/**
 * Traffic between containers, the host and the outside world. Every traffic step
 * zeroes the counters, sends, and reads the deltas (NettwinWorld.observe).
 */
import { Then, When } from '@cucumber/cucumber';
import type { Actor, RequestResult } from '../src/backends/backend.ts';
import { EXTERNAL_CLIENT_ADDRESS6 } from '../src/backends/model-traffic.ts';
import { type HttpUrl, parseCount, parseHttpUrl, parseIp, parseName } from './lib/values.ts';
import type { NettwinWorld, Observation } from './world.ts';

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
      : actor.kind === 'neighbour'
        ? 'the neighbour'
        : 'an external client';
}

// `"test1" pings "test3"`, `… pings "test4" by name`, `… pings "b" over IPv6` (its IPv6
// address, `ping -6`), `… pings "b" by name over IPv6` (`ping -6 b`: the AAAA answer of
// the sender's resolver), `the host pings 172.18.0.2 3 times`, `"a" pings fd00:1::3`
When(
  /^("[^"]+"|the host|the external client) pings (?:"([^"]+)"( by name over IPv6| by name| over IPv6)?|(\S+))(?: (\d+) times?)?$/,
  async function (
    this: NettwinWorld,
    who: string,
    target: string | null,
    how: string | null,
    address: string | null,
    countText: number | null,
  ) {
    const from = actorFrom(this, who);
    const count = countText == null ? 1 : this.value(() => parseCount(String(countText)));
    const byName = how === ' by name';
    if (target != null && how === ' over IPv6') {
      await pingAddress(this, from, this.address6Of(target), count);
      return;
    }
    if (target != null && how === ' by name over IPv6') {
      // As typed, as for `by name`: a compose service's name is a DNS alias.
      this.knownContainer(target);
      await this.observe(
        'ping',
        `${label(from)} pings "${target}" by name over IPv6 ${count} times`,
        async (b) => ({ ping: await b.pingByName(from, target, count, 'ipv6') }),
        { keepError: true },
      );
      return;
    }
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
    await pingAddress(this, from, to, count);
  },
);

async function pingAddress(world: NettwinWorld, from: Actor, to: string, count: number): Promise<void> {
  await world.observe('ping', `${label(from)} pings ${to} ${count} times`, async (b) => ({
    ping: await b.ping(from, to, count),
  }));
}

// `… over IPv6`: to its IPv6 address fd70::9 (a host started "with IPv6"), the way NAT66 leaves.
When(
  /^("[^"]+"|the host) pings the external client( over IPv6)?(?: (\d+) times?)?$/,
  async function (this: NettwinWorld, who: string, ipv6: string | null, countText: number | null) {
    const from = actorFrom(this, who);
    const count = countText == null ? 1 : this.value(() => parseCount(String(countText)));
    const to = ipv6 ? EXTERNAL_CLIENT_ADDRESS6 : await (await this.host()).resolveAddress(EXTERNAL);
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
    // A container resolves a name in the URL itself (Docker's embedded DNS): a name it
    // cannot resolve is kept for `Then the name … cannot be resolved`.
    const hostname = new URL(parsed.url).hostname;
    const byName = from.kind === 'container' && !/^(\d+\.\d+\.\d+\.\d+|\[.*\])$/.test(hostname);
    await this.observe(
      'http',
      `${label(from)} requests ${parsed.url}`,
      async (b) => ({ request: await b.httpGet(from, parsed.url) }),
      { keepError: byName },
    );
  },
);

// UDP: one datagram (`echo PAYLOAD | nc -u`); a listener records what arrived and from whom.
When(
  /^("[^"]+"|the host|the external client|an external client) sends "([^"]*)" to "([^"]+)" on udp port (\d+)$/,
  async function (this: NettwinWorld, who: string, payload: string, target: string, port: string) {
    const from = actorFrom(this, who);
    const to = await this.addressOf(this.value(() => parseName(target, 'container')));
    await sendDatagram(this, from, payload, to, Number(port));
  },
);

When(
  /^("[^"]+"|the host|the external client|an external client) sends "([^"]*)" to (<host ip>|\S+):(\d+)\/udp$/,
  async function (this: NettwinWorld, who: string, payload: string, addressText: string, port: string) {
    const from = actorFrom(this, who);
    const expanded = await this.expandHostIp(addressText);
    const to = this.value(() => parseIp(expanded));
    await sendDatagram(this, from, payload, to, Number(port));
  },
);

async function sendDatagram(world: NettwinWorld, from: Actor, payload: string, to: string, port: number) {
  if (port < 1 || port > 65535) world.fail(`udp port ${port} is not a port (1-65535)`);
  await world.observe('udp', `${label(from)} sends "${payload}" to ${to}:${port}/udp`, async (b) => ({
    datagram: await b.udpSend(from, to, port, payload),
  }));
}

Then(/^the datagram (arrives|is lost)$/, function (this: NettwinWorld, how: string) {
  const o = this.lastObservation('udp');
  const d = o.datagram ?? this.fail(`${o.description} returned no result`);
  if (how === 'arrives' && !d.arrived)
    this.fail(`${o.description}: no listener received it; expected it to arrive`);
  if (how === 'is lost' && d.arrived)
    this.fail(`${o.description}: "${d.receiver}" received it; expected it to be lost`);
});

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
  const o = this.lastObservation();
  if (!o.error) {
    const got = o.ping ? `${o.ping.received} replies` : `the request ended "${o.request?.outcome}"`;
    this.fail(`${o.description} resolved "${name}" (${got}); expected "bad address"`);
  }
  // Only a resolver's refusal counts; any other failure of the step is reported as such.
  // "Address family for hostname not supported": the name has no address of the asked family (ping -6).
  if (!/bad address|unknown host|resolve|resolution|not known|address family/i.test(o.error.message)) {
    this.fail(`${o.description} failed, but not for want of a name: ${o.error.message}`);
  }
});

/** The last step's request result; a request that could not even start fails with its words. */
function requestOf(world: NettwinWorld, o: Observation): RequestResult {
  if (o.error) world.fail(`${o.description} failed: ${o.error.message}`);
  return o.request ?? world.fail(`${o.description} was not a request`);
}

Then('the request succeeds with body {string}', function (this: NettwinWorld, body: string) {
  const o = this.lastObservation();
  const r = requestOf(this, o);
  if (r.outcome !== 'ok')
    this.fail(`${o.description} ended "${r.outcome}"; expected a response with body "${body}"`);
  if ((r.body ?? '').trim() !== body)
    this.fail(`${o.description} returned body "${r.body ?? ''}"; expected "${body}"`);
});

// "fails as unreachable": no route, or an ICMP host/network unreachable came back (curl exit 7).
Then(
  /^the request (succeeds|is refused|times out|fails as unreachable)$/,
  function (this: NettwinWorld, how: string) {
    const o = this.lastObservation();
    const r = requestOf(this, o);
    const expected = {
      succeeds: 'ok',
      'is refused': 'refused',
      'times out': 'timeout',
      'fails as unreachable': 'unreachable',
    }[how];
    if (r.outcome !== expected) this.fail(`${o.description} ended "${r.outcome}"; expected "${expected}"`);
  },
);

// What the receiver saw as the source, after any SNAT/MASQUERADE on the way.
Then(
  /^(the external client|"[^"]+") sees the (?:request|ping|connection|datagram) come from (\S+)$/,
  async function (this: NettwinWorld, who: string, sourceText: string) {
    const source = this.value(() => parseIp(sourceText));
    // A compose service's name stands for its container's Docker name (world.names).
    const name = who === 'the external client' ? EXTERNAL : this.knownContainer(who.slice(1, -1)).name;
    const o = this.lastObservation();
    if (o.kind === 'udp') {
      const d = o.datagram ?? this.fail(`${o.description} returned no result`);
      if (!d.arrived) this.fail(`${o.description}: nothing arrived, so "${name}" saw no source`);
      if (d.receiver !== name) this.fail(`${o.description} arrived at "${d.receiver}", not at "${name}"`);
      if (d.seenSource !== source)
        this.fail(
          `"${name}" saw ${o.description} come from ${d.seenSource ?? 'nowhere'}; expected ${source}`,
        );
      return;
    }
    const fromRequest = o.kind === 'ping' ? undefined : o.request?.seenSource;
    const seen = fromRequest ?? (await (await this.activeBackend()).lastSeenSource(name));
    if (seen !== source) {
      this.fail(
        `"${name}" saw ${o.description} come from ${seen ?? 'nowhere (nothing arrived)'}; expected ${source}`,
      );
    }
  },
);
