/**
 * Needs Docker (run: node --import tsx --test src/dind/outside-world-ipv6.docker-test.ts).
 * A DinD host asked for with `ipv6: true` (issue #20, point 3): its eth0 has fd70::6/64, the
 * external client fd70::9 and the neighbour fd70::a reach it over IPv6, dockerd (which
 * found IPv6 on at its start) publishes ports on [::] too, and nothing moves an ip6tables
 * counter while nobody sends: not at start, not after a reset rebuilt the outside world.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { quietIpv6NetworkArg } from '../backends/dind-ipv6-quiet.ts';
import { onMachine } from './outside-world.ts';
import { OUTSIDE_IPV6 } from './outside-world-ipv6.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

/** Seconds of silence a step of a scenario may take. */
const IDLE_SECONDS = 8;

async function zeroIp6tables(): Promise<void> {
  const tables = (await host.run(['ip6tables-save'])).match(/^\*\w+/gm) ?? [];
  for (const t of tables) await host.run(['ip6tables', '-t', t.slice(1), '-Z']);
}

/** Lines of `ip6tables-save -c` whose counters moved. */
async function movedCounters(): Promise<string[]> {
  const save = await host.run(['ip6tables-save', '-c']);
  return save.split('\n').filter((l) => /\[[1-9]\d*:\d+\]/.test(l));
}

async function assertQuiet(when: string): Promise<void> {
  await zeroIp6tables();
  await sleep(IDLE_SECONDS * 1000);
  assert.deepEqual(await movedCounters(), [], `ip6tables counters moved with nobody sending (${when})`);
}

async function assertReachable(): Promise<void> {
  for (const machine of ['client', 'neighbour'] as const) {
    const out = await host.exec(
      onMachine(machine, ['ping', '-6', '-c', '3', '-i', '0.2', '-W', '1', OUTSIDE_IPV6.host]),
    );
    assert.match(out.stdout, /3 received/, `${machine} → ${OUTSIDE_IPV6.host}\n${out.stdout}${out.stderr}`);
  }
}

describe('a DinD host with IPv6 in its outside world', () => {
  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [], ipv6: true });
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  it('has fd70::6/64 on eth0; the client and the neighbour reach it over IPv6', async () => {
    assert.match(await host.run(['ip', '-6', 'addr', 'show', 'dev', 'eth0']), /inet6 fd70::6\/64/);
    await assertReachable();
  });

  it('is quiet: no ip6tables counter moves while nobody sends', () => assertQuiet('after start'));

  it('dockerd publishes ports on [::] as well as 0.0.0.0', async () => {
    await host.run([
      'docker',
      'network',
      'create',
      '--ipv6',
      '--subnet',
      'fd31::/64',
      '-o',
      'com.docker.network.advertise_addr_nmsgs=0',
      'n6',
    ]);
    await host.run([
      'docker',
      'run',
      '-d',
      '--name',
      'web6',
      '--network',
      quietIpv6NetworkArg('n6'),
      '-p',
      '8080:80',
      session.config.workloadImage,
      'sleep',
      '600',
    ]);
    const ports = await host.run(['docker', 'port', 'web6']);
    assert.match(ports, /\[::\]:8080/, ports);
  });

  it('is quiet with a container on an IPv6 network', async () => {
    // The MLD reports at the container's link-up, 10 ms apart, are over well within this.
    await sleep(1000);
    await assertQuiet('with web6 on n6');
  });

  it('is quiet again after a reset, and reachable', async () => {
    assert.equal(await host.reset(), true, 'the reset restored the start ruleset');
    assert.match(await host.run(['ip', '-6', 'addr', 'show', 'dev', 'eth0']), /inet6 fd70::6\/64/);
    await assertQuiet('after a reset');
    await assertReachable();
  });
});
