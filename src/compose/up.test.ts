import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createModelBackend } from '../backends/model.ts';
import { DockerDaemonModel } from '../docker/daemon-model.ts';
import { readCompose } from './plan.ts';
import { composeUp } from './up.ts';

const SHOP = 'features/compose/shop/compose.yaml';

test('the shop on the model: fixed address, gateway network first, aliases answered by the embedded DNS', async () => {
  const plan = readCompose(readFileSync(SHOP, 'utf8'), { file: SHOP, directoryName: 'shop' });
  const b = createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  const up = await composeUp(b, plan);
  assert.deepEqual(
    up.networks.map((n) => [n.name, n.subnet]),
    [
      ['shop_front', '172.18.0.0/16'],
      ['shop_back', '172.30.10.0/24'],
    ],
  );
  assert.deepEqual(
    up.containers.map(({ info }) => [info.name, info.network, info.address]),
    [
      ['shop-api-1', 'shop_back', '172.30.10.10'],
      ['shop-web-1', 'shop_front', '172.18.0.2'],
    ],
  );
  const daemon = b.daemon();
  assert.equal(daemon.resolveName('shop-web-1', 'orders'), '172.30.10.10');
  assert.equal(daemon.resolveName('shop-web-1', 'api'), '172.30.10.10');
  // web's own alias on back answers with its address there, not its front address.
  assert.equal(daemon.resolveName('shop-api-1', 'web'), '172.30.10.2');
  assert.equal(daemon.resolveName('shop-api-1', 'nothing'), undefined);
});

test('aliases belong to one network: a name is answered only to containers that share it', () => {
  const d = DockerDaemonModel.start({ version: '26.1' });
  d.createNetwork({ name: 'a' });
  d.createNetwork({ name: 'b' });
  d.run({ name: 'srv', network: 'a', aliases: ['db'] });
  d.connect('b', 'srv', undefined, ['cache']);
  d.run({ name: 'on-a', network: 'a' });
  d.run({ name: 'on-b', network: 'b' });
  assert.equal(d.resolveName('on-a', 'db'), '172.18.0.2');
  assert.equal(d.resolveName('on-a', 'cache'), undefined);
  assert.equal(d.resolveName('on-b', 'cache'), '172.19.0.2');
  assert.equal(d.resolveName('on-b', 'db'), undefined);
  d.disconnect('b', 'srv');
  assert.equal(d.resolveName('on-b', 'cache'), undefined);
});
