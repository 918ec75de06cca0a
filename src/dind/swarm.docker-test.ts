/**
 * Needs Docker (run: node --import tsx --test src/dind/swarm.docker-test.ts).
 * A one-node swarm in a real 28.5 DinD host, against the model (src/docker/swarm.ts).
 * What the kernel here lets Docker do is compared exactly: `docker swarm init` writes
 * docker_gwbridge's rules and the ingress sandbox's raw DROP, a service's task joins
 * docker_gwbridge. What it does not: the kernel has no IPVS (CONFIG_IP_VS off), so the
 * routing mesh's load balancer cannot be made and Docker writes no DOCKER-INGRESS chain for
 * a published port — the service runs, unreachable on that port. Those rules are the
 * model's alone (checked against moby's own document in src/docker/moby-docs.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { runDockerScript } from '../docker/script.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

/** The host's iptables-save, parsed. */
async function realRules() {
  return parseRuleset(await host.run(['iptables-save']), { file: 'iptables-save on the DinD host' });
}

function modelRules(script: string) {
  return runDockerScript(`# nettwin: baseline=bare\ndockerd\n${script}`, { version: '28.5' }).ruleset();
}

/**
 * Waits until the ingress sandbox has joined docker_gwbridge: `docker swarm init` returns
 * before it does (3 s later on 28.5, 6 s on 20.10 here), and its raw DROP is written last.
 */
async function ingressSandboxJoined(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await host.run(['iptables-save', '-t', 'raw'])).includes('-d 172.18.0.2/32 ! -i docker_gwbridge'))
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail('the ingress sandbox did not join docker_gwbridge within 30 s');
}

/** Waits until the service's one task runs (the image is local: no registry is reachable). */
async function taskRunning(service: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const ps = await host.exec(['docker', 'service', 'ps', '--format', '{{.CurrentState}}', service]);
    if (/^Running/m.test(ps.stdout)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`service ${service} has no running task after 30 s`);
}

describe('a one-node swarm on a real 28.5 host (no IPVS in this kernel)', () => {
  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [] });
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  it('docker swarm init: docker_gwbridge and the ingress sandbox, rule for rule as the model', async () => {
    const init = await host.exec(['docker', 'swarm', 'init', '--advertise-addr', '192.168.70.6']);
    assert.equal(init.exitCode, 0, init.stderr);
    await ingressSandboxJoined();
    const cmp = compareRulesets(await realRules(), modelRules('docker swarm init\n'));
    assert.ok(cmp.equal, cmp.unified);
  });

  it('docker service create --publish: the task joins docker_gwbridge, but no DOCKER-INGRESS without IPVS', async () => {
    const image = (
      await host.run(['sh', '-c', "docker images --format '{{.Repository}}:{{.Tag}}' | head -1"])
    ).trim();
    const create = await host.exec([
      'docker',
      'service',
      'create',
      '--detach',
      '--name',
      's1',
      '--publish',
      '8080:80',
      image,
      'sleep',
      '3600',
    ]);
    assert.equal(create.exitCode, 0, create.stderr);
    await taskRunning('s1');
    const real = await realRules();
    // Docker's rules for the task's endpoint are the model's for a service that publishes nothing …
    const cmp = compareRulesets(
      real,
      modelRules('docker swarm init\ndocker service create --name s1 busybox\n'),
    );
    assert.ok(cmp.equal, cmp.unified);
    // … because the load balancer failed before programIngress: the daemon says why.
    const logText = await host.run(['cat', '/var/log/dockerd.log']);
    assert.match(logText, /Could not get ipvs family information from the kernel/);
    const chains = real.tables.flatMap((t) => t.chains.map((c) => `${t.name} ${c.name}`));
    assert.ok(!chains.some((c) => c.endsWith('DOCKER-INGRESS')), chains.join(', '));
    // The model, given the routing mesh, writes them (moby's swarm-portmap document).
    const predicted = modelRules(
      'docker swarm init\ndocker service create --name s1 --publish 8080:80 busybox\n',
    );
    assert.ok(predicted.tables.some((t) => t.chains.some((c) => c.name === 'DOCKER-INGRESS')));
  });
});
