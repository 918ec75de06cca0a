/**
 * Needs Docker (run: node --import tsx --test src/dind/foreign-image.docker-test.ts).
 * NETTWIN_DIND_IMAGE naming a DinD image that nettwin did not build: Debian's docker.io
 * with none of nettwin's scripts (fixtures/dind-image/Dockerfile; no registry is reachable
 * here, so its root is nettwin's own 28.5 image with nettwin's files removed). The probe
 * measures its Docker version, a host starts from it with docker/common's scripts copied
 * in, and what it does is compared with the model; an image lacking a tool, or absent,
 * fails with the variable's name and what to do.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { runDockerScript } from '../docker/script.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { PACKAGE_ROOT } from '../package-paths.ts';
import { loadDindConfig } from './config.ts';
import { DindImageError, probeForeignImage } from './foreign-image.ts';
import { recipeTag } from './images/recipes.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const FIXTURE = join(PACKAGE_ROOT, 'fixtures', 'dind-image');
const BASE = recipeTag('dind-28.5');
/** Tagged by the Dockerfile and its base, so an unchanged fixture is built once. */
const IMAGE = `nettwin-fixture/dind-debian:${createHash('sha256')
  .update(readFileSync(join(FIXTURE, 'Dockerfile')))
  .update(BASE)
  .digest('hex')
  .slice(0, 12)}`;
const WITHOUT_NFT = `${IMAGE}-no-nft`;
const BRIDGE_OPTION = 'com.docker.network.bridge.name=br-n1';

const session = new DindSession(loadDindConfig({}, { ...process.env, NETTWIN_DIND_IMAGE: IMAGE }));
let host: StartedDindHost | undefined;

function modelRules(script: string) {
  return runDockerScript(`# nettwin: baseline=bare\ndockerd\n${script}`, { version: '28.5' }).ruleset();
}

async function realRules(h: StartedDindHost) {
  return parseRuleset(await h.run(['iptables-save']), { file: `iptables-save on ${h.name}` });
}

describe("NETTWIN_DIND_IMAGE: a Debian docker.io image without nettwin's scripts", () => {
  before(async () => {
    await execa('docker', ['build', '-q', '--build-arg', `BASE=${BASE}`, '-t', IMAGE, FIXTURE]);
    // The same image with one tool gone, for the preflight's refusal.
    await execa('docker', ['build', '-q', '-t', WITHOUT_NFT, '-'], {
      input: `FROM ${IMAGE}\nRUN rm /usr/sbin/nft\n`,
    });
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
    await execa('docker', ['rmi', WITHOUT_NFT], { reject: false });
  });

  it('has none of our scripts, and its daemon says which profile serves it', async () => {
    const ls = await execa('docker', ['run', '--rm', '--entrypoint', 'ls', IMAGE, '/usr/local/bin']);
    assert.equal(ls.stdout.trim(), '');
    const probe = await probeForeignImage(IMAGE, 'NETTWIN_DIND_IMAGE');
    assert.equal(probe.profile, '28.5');
    assert.match(probe.engine, /^28\.5\.\d/);
    assert.deepEqual(probe.report.missing, []);
  });

  it("starts a host with our entrypoint; a published port's rules are the model's, and it answers", async () => {
    host = await session.acquire({ dockerVersion: '28.5' });
    const h = host;
    const pid1 = await h.run(['cat', '/proc/1/cmdline']);
    assert.match(pid1, /nettwin-entrypoint/);
    const cmp0 = compareRulesets(await realRules(h), modelRules(''));
    assert.ok(cmp0.equal, cmp0.unified);
    // No seeded store in a foreign image: the workload image is loaded into it.
    assert.equal(await h.ensureImage(session.config.workloadImage), 'loaded');
    // A named bridge: Docker's br-<id> differs from the model's, which is not what is compared here.
    await h.dockerOrThrow(['network', 'create', '-o', BRIDGE_OPTION, 'n1']);
    const workload = session.config.workloadImage;
    await h.dockerOrThrow([
      'run',
      '-d',
      '--name',
      'web',
      '--network',
      'n1',
      '-p',
      '8080:80',
      workload,
      'busybox',
      'httpd',
      '-f',
      '-p',
      '80',
    ]);
    const cmp = compareRulesets(
      await realRules(h),
      modelRules(
        `docker network create -o ${BRIDGE_OPTION} n1\ndocker run -d --name web --network n1 -p 8080:80 busybox\n`,
      ),
    );
    assert.ok(cmp.equal, cmp.unified);
    // The external client (the outside world the copied script built) reaches the published port.
    const curl = await h.execOn('client', [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-m',
      '5',
      `http://${h.address}:8080/`,
    ]);
    assert.match(curl.stdout, /^(200|404)$/, curl.stderr);
  });

  it('resets with the copied nettwin-reset back to its start ruleset', async () => {
    assert.ok(host);
    assert.equal(await host.reset(), true);
    const cmp = compareRulesets(await realRules(host), modelRules(''));
    assert.ok(cmp.equal, cmp.unified);
  });

  it('an image lacking nft is refused before any host starts, naming the variable and the package', async () => {
    await assert.rejects(probeForeignImage(WITHOUT_NFT, 'NETTWIN_DIND_IMAGE'), (error: unknown) => {
      assert.ok(error instanceof DindImageError);
      assert.match(error.message, /^NETTWIN_DIND_IMAGE=\S+-no-nft lacks what nettwin runs/);
      assert.match(error.message, /nft \(Debian package nftables\)/);
      assert.doesNotMatch(error.message, /iptables \(/);
      return true;
    });
  });

  it('an image that is not here and cannot be pulled: the variable, and how to get it', async () => {
    const absent = 'nettwin-fixture/absent:never-built';
    await assert.rejects(probeForeignImage(absent, 'NETTWIN_DIND_IMAGE'), (error: unknown) => {
      assert.ok(error instanceof DindImageError);
      assert.match(error.message, /^NETTWIN_DIND_IMAGE=nettwin-fixture\/absent:never-built: no such image/);
      assert.match(error.message, /docker load -i/);
      return true;
    });
  });
});
