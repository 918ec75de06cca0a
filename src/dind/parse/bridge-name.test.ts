import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeNameFromInspect } from './bridge-name.ts';

const ID = 'f0c738b34283f4f53e72013753b56b24f7531be2e984b777fa985dda9fa30ada';

test('a network without the bridge.name option is br-<12 hex of its id> (Docker 20.10 prints {})', () => {
  assert.equal(bridgeNameFromInspect('other', `${ID}\n{}\n`), 'br-f0c738b34283');
  assert.equal(bridgeNameFromInspect('other', `${ID}\nnull`), 'br-f0c738b34283');
});

test('the bridge.name option wins; the default network is docker0', () => {
  const opts = JSON.stringify({ 'com.docker.network.bridge.name': 'test_web' });
  assert.equal(bridgeNameFromInspect('web', `${ID}\n${opts}`), 'test_web');
  assert.equal(bridgeNameFromInspect('bridge', `${ID}\n{}`), 'docker0');
});

test('output that is no id is an error, not a bridge called "<no"', () => {
  assert.throws(() => bridgeNameFromInspect('x', '<no value>\n{}'), /not a network id/);
  assert.throws(() => bridgeNameFromInspect('x', `${ID}\n<no value>`), /not JSON/);
});
