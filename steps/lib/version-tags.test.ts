import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runsOnDockerVersion, versionTags } from './version-tags.ts';

test('@docker-before-N runs below N only', () => {
  assert.equal(runsOnDockerVersion(['@docker-before-28'], '20.10'), true);
  assert.equal(runsOnDockerVersion(['@docker-before-28'], '26.1'), true);
  assert.equal(runsOnDockerVersion(['@docker-before-28'], '28.5'), false);
  assert.equal(runsOnDockerVersion(['@docker-before-28.5'], '28.1'), true);
  assert.equal(runsOnDockerVersion(['@docker-before-26.1'], '26.1'), false);
  assert.equal(runsOnDockerVersion(['@docker-before-29'], '28.5'), true);
  assert.equal(runsOnDockerVersion(['@docker-before-29'], '29.7'), false);
});

test('@docker-N runs on N.x, @docker-N.M on N.M only', () => {
  assert.equal(runsOnDockerVersion(['@docker-28'], '28.5'), true);
  assert.equal(runsOnDockerVersion(['@docker-28'], '26.1'), false);
  assert.equal(runsOnDockerVersion(['@docker-28'], '29.0'), false);
  assert.equal(runsOnDockerVersion(['@docker-26.1'], '26.1'), true);
  assert.equal(runsOnDockerVersion(['@docker-26.1'], '20.10'), false);
  assert.equal(runsOnDockerVersion(['@docker-20'], '20.10'), true);
  assert.equal(runsOnDockerVersion(['@docker-28', '@docker-29'], '29.7'), true);
  assert.equal(runsOnDockerVersion(['@docker-29'], '28.5'), false);
});

test('several version tags mean any of them; other tags do not count', () => {
  assert.equal(runsOnDockerVersion(['@seed-000', '@docker-20.10', '@docker-28'], '28.5'), true);
  assert.equal(runsOnDockerVersion(['@seed-000', '@docker-20.10', '@docker-28'], '26.1'), false);
  assert.equal(runsOnDockerVersion(['@seed-000', '@groundtruth-e2'], '17.06'), true);
  assert.deepEqual(versionTags(['@docker-28', '@docker-proxy', '@docker-before-28', '@seed-004']), [
    '@docker-28',
    '@docker-before-28',
  ]);
});
