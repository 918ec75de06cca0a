import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDindConfig } from './config.ts';
import { DindSession, type HostRequest, poolKey } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

/** A host whose resets finish when the test says so. */
class FakeHost {
  resets = 0;
  stopped = false;
  private finishReset?: (ok: boolean) => void;
  constructor(
    readonly name: string,
    readonly identity: HostRequest & { name: string },
  ) {}
  reset(): Promise<boolean> {
    this.resets++;
    return new Promise((resolve) => {
      this.finishReset = resolve;
    });
  }
  resetDone(ok = true): void {
    this.finishReset?.(ok);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** DindSession with fake hosts instead of DinD containers. */
class FakeSession extends DindSession {
  readonly started: FakeHost[] = [];
  constructor(spareHosts = true) {
    super(loadDindConfig({ reuseHosts: true, spareHosts }));
  }
  override async startHost(request: HostRequest): Promise<StartedDindHost> {
    const name = `fake${this.started.length}`;
    const host = new FakeHost(name, {
      name,
      dockerVersion: request.dockerVersion,
      daemonOptions: request.daemonOptions ?? [],
      ...(request.hostFirewall ? { hostFirewall: request.hostFirewall } : {}),
    });
    this.started.push(host);
    (this as unknown as { live: Set<unknown> }).live.add(host);
    return host as unknown as StartedDindHost;
  }
}

const v28 = { dockerVersion: '28.5' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a released host resets at once; the next scenario of its kind waits for that reset, with a spare starting', async () => {
  const session = new FakeSession();
  const a = (await session.acquire(v28)) as unknown as FakeHost;
  await session.release(a as unknown as StartedDindHost);
  assert.equal(a.resets, 1, 'the reset starts on release, not on the next acquire');
  let got: unknown;
  const second = session.acquire(v28).then((h) => {
    got = h;
  });
  await tick();
  assert.equal(got, undefined, 'a host still resetting is not handed out');
  assert.equal(session.started.length, 2, 'a spare host starts for the recurring kind');
  a.resetDone();
  await second;
  assert.equal(got, a);
  // Third scenario: the spare is ready and taken at once while the first host resets.
  await session.release(a as unknown as StartedDindHost);
  assert.equal(await session.acquire(v28), session.started[1]);
  await session.dispose();
});

test('a host whose reset failed is stopped and replaced', async () => {
  const session = new FakeSession(false);
  const a = (await session.acquire(v28)) as unknown as FakeHost;
  await session.release(a as unknown as StartedDindHost);
  a.resetDone(false);
  const b = await session.acquire(v28);
  assert.notEqual(b, a);
  assert.ok(a.stopped);
  await session.dispose();
});

test('other versions or daemon options never get a host of another kind', async () => {
  const session = new FakeSession(false);
  const a = (await session.acquire(v28)) as unknown as FakeHost;
  await session.release(a as unknown as StartedDindHost);
  a.resetDone();
  const other = await session.acquire({ dockerVersion: '28.5', daemonOptions: ['--icc=false'] });
  assert.notEqual(other, a);
  assert.equal(await session.acquire(v28), a);
  await session.dispose();
});

test('a host with a host firewall is never handed to a plain request, nor a plain host to it', async () => {
  const session = new FakeSession(false);
  const plain = (await session.acquire(v28)) as unknown as FakeHost;
  await session.release(plain as unknown as StartedDindHost);
  plain.resetDone();
  const firewalld = (await session.acquire({ ...v28, hostFirewall: 'firewalld' })) as unknown as FakeHost;
  assert.notEqual(firewalld, plain);
  assert.equal(firewalld.identity.hostFirewall, 'firewalld');
  await session.release(firewalld as unknown as StartedDindHost);
  firewalld.resetDone();
  assert.equal(await session.acquire(v28), plain);
  assert.equal(await session.acquire({ ...v28, hostFirewall: 'firewalld' }), firewalld);
  await session.dispose();
});

test("a ufw host is not reused: its reset would lose ufw's IPv6 rules", async () => {
  const session = new FakeSession(false);
  const ufw = (await session.acquire({ ...v28, hostFirewall: 'ufw' })) as unknown as FakeHost;
  await session.release(ufw as unknown as StartedDindHost);
  assert.equal(ufw.resets, 0);
  assert.ok(ufw.stopped);
  assert.notEqual(await session.acquire({ ...v28, hostFirewall: 'ufw' }), ufw);
  await session.dispose();
});

test('dispose stops every host, spares included', async () => {
  const session = new FakeSession();
  const a = (await session.acquire(v28)) as unknown as FakeHost;
  await session.release(a as unknown as StartedDindHost);
  const waiting = session.acquire(v28);
  a.resetDone();
  await waiting;
  await session.dispose();
  assert.ok(session.started.every((h) => h.stopped));
});

test('a host with IPv6 is never handed to a request without it, nor back (pool key)', () => {
  const plain: HostRequest = { dockerVersion: '28.5', daemonOptions: [] };
  assert.notEqual(poolKey({ ...plain, ipv6: true }), poolKey(plain));
  // Requests that do not ask for IPv6 keep the key they had before the option existed.
  assert.equal(poolKey({ ...plain, ipv6: false }), poolKey(plain));
});
