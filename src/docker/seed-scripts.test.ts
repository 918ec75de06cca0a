/**
 * The docker scripts in fixtures/scripts reproduce the rule listings of the seed articles.
 * Seed 002 is a full iptables-save dump (compared table by table, rules and chains);
 * seed 001 is an `iptables -L` listing, written out below as the rules it shows;
 * seed 004's listings are screenshots: the model is checked against the facts the article
 * states in text, and against a real 20.10 engine that ran the same script
 * (fixtures/golden/20.10/seed-004.txt).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runRulesetCommand } from '../cli/ruleset.ts';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { findChain, parseRuleset, serializeRuleset, zeroCounters } from '../netfilter/ruleset/index.ts';
import type { Ruleset, TableName } from '../netfilter/types.ts';
import { runDockerScript } from './script.ts';

const scripts = new URL('../../fixtures/scripts/', import.meta.url);
const read = (name: string, base = scripts) => readFileSync(new URL(name, base), 'utf8');
const run = (name: string, version: string) => runDockerScript(read(name), { version, file: name });

function tableText(rs: Ruleset, table: TableName): string {
  const t = rs.tables.find((x) => x.name === table);
  assert.ok(t, `table ${table} present`);
  return serializeRuleset({ tables: [{ ...t, leadingComments: [], trailingComments: [] }] });
}

function rules(rs: Ruleset, table: TableName, chain: string): string[] {
  return (findChain(rs, table, chain)?.rules ?? []).map((r) => r.text);
}

test('seed-002-four-bridges.docker reproduces seed 002 (nat and filter, every chain and rule in order)', () => {
  const expected = parseRuleset(
    read('seeds/002-four-bridges.iptables-save', new URL('../../fixtures/', import.meta.url)),
  );
  zeroCounters(expected);
  const model = run('seed-002-four-bridges.docker', '20.10');
  for (const table of ['nat', 'filter'] as const) {
    assert.equal(tableText(model.ruleset(), table), tableText(expected, table), `table ${table}`);
  }
});

test('seed-001-hehe.docker reproduces the rules of seed 001 (17.06 listing)', () => {
  const br = 'br-740d57cab248';
  const rs = run('seed-001-hehe.docker', '17.06').ruleset();
  // Transcribed from the article's `iptables -L -v` listing (a real 17.06 host).
  assert.deepEqual(rules(rs, 'nat', 'DOCKER'), [
    '-i docker0 -j RETURN',
    `-i ${br} -j RETURN`,
    `! -i ${br} -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.18.0.3:443`,
    `! -i ${br} -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80`,
  ]);
  assert.deepEqual(rules(rs, 'nat', 'POSTROUTING'), [
    '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    `-s 172.18.0.0/16 ! -o ${br} -j MASQUERADE`,
    '-s 172.18.0.3/32 -d 172.18.0.3/32 -p tcp -m tcp --dport 443 -j MASQUERADE',
    '-s 172.18.0.3/32 -d 172.18.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
  ]);
  assert.deepEqual(rules(rs, 'filter', 'FORWARD'), [
    '-j DOCKER-USER',
    '-j DOCKER-ISOLATION',
    '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-o docker0 -j DOCKER',
    '-i docker0 ! -o docker0 -j ACCEPT',
    '-i docker0 -o docker0 -j ACCEPT',
    `-o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-o ${br} -j DOCKER`,
    `-i ${br} ! -o ${br} -j ACCEPT`,
    `-i ${br} -o ${br} -j ACCEPT`,
  ]);
  assert.deepEqual(rules(rs, 'filter', 'DOCKER'), [
    `-d 172.18.0.3/32 ! -i ${br} -o ${br} -p tcp -m tcp --dport 443 -j ACCEPT`,
    `-d 172.18.0.3/32 ! -i ${br} -o ${br} -p tcp -m tcp --dport 80 -j ACCEPT`,
  ]);
  assert.deepEqual(rules(rs, 'filter', 'DOCKER-ISOLATION'), [
    `-i ${br} -o docker0 -j DROP`,
    `-i docker0 -o ${br} -j DROP`,
    '-j RETURN',
  ]);
});

test('`nettwin ruleset` prints for seed-004.docker the rules a real 20.10 engine wrote (golden/20.10/seed-004.txt)', () => {
  const file = new URL('seed-004.docker', scripts);
  const out = runRulesetCommand({ dockerVersion: '20.10', script: file.pathname });
  // The recording was made on a DinD host on an outer engine's user-defined network, which
  // adds that engine's embedded-DNS chains (DOCKER_OUTPUT, DOCKER_POSTROUTING) before dockerd
  // starts; the article's plain VM (the script's baseline=bare) has none of them. Everything
  // else is the real engine's output, unchanged.
  const recorded = read('golden/20.10/seed-004.txt', new URL('../../fixtures/', import.meta.url));
  const onAPlainHost = recorded
    .split('\n')
    .filter((line) => !/\bDOCKER_(OUTPUT|POSTROUTING)\b/.test(line))
    .join('\n');
  assert.notEqual(onAPlainHost, recorded, 'the recording carries the DinD embedded-DNS chains');
  const real = parseRuleset(onAPlainHost, { file: 'fixtures/golden/20.10/seed-004.txt' });
  const cmp = compareRulesets(real, parseRuleset(out, { file: 'nettwin ruleset output' }));
  assert.ok(cmp.equal, cmp.unified);
  // Every rule in order, byte for byte (compareRulesets would forgive embedded-DNS ports).
  for (const table of ['filter', 'nat'] as const)
    assert.equal(tableText(parseRuleset(out), table), tableText(real, table), `table ${table}`);
});

test('seed 004: the facts the article states in text hold in the model', () => {
  const text = read('seed-004.docker');
  const lines = text.split('\n');
  const upTo = (marker: string) =>
    lines.slice(0, lines.findIndex((l) => l.startsWith(marker)) + 1).join('\n');
  // "确认一下容器ip 172.17.0.2 确实是我启动的busybox ip" — and two docker-proxy processes (IPv4, IPv6).
  const withBox = runDockerScript(upTo('docker run --name box'), { version: '20.10' });
  assert.equal(withBox.inspectContainer('box').address, '172.17.0.2');
  assert.deepEqual(
    withBox.host().listeners.map((l) => `${l.address}:${l.port}`),
    ['0.0.0.0:8081', ':::8081'],
  );
  // Before bridge1: nat DOCKER rule 1 returns docker0 traffic, POSTROUTING rule 1 masquerades docker0.
  const beforeBridge1 = runDockerScript(upTo('docker restart ng1'), { version: '20.10' });
  assert.equal(
    beforeBridge1.inspectContainer('ng1').address,
    '172.17.0.2',
    'the article curls ng1 at 172.17.0.2',
  );
  assert.equal(rules(beforeBridge1.ruleset(), 'nat', 'DOCKER')[0], '-i docker0 -j RETURN');
  assert.equal(
    rules(beforeBridge1.ruleset(), 'nat', 'POSTROUTING')[0],
    '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
  );
  // After bridge1: STAGE-1 rule 1 is docker1's jump, STAGE-2 rule 2 drops to docker0.
  const rs = run('seed-004.docker', '20.10').ruleset();
  assert.equal(
    rules(rs, 'filter', 'DOCKER-ISOLATION-STAGE-1')[0],
    '-i docker1 ! -o docker1 -j DOCKER-ISOLATION-STAGE-2',
  );
  assert.equal(rules(rs, 'filter', 'DOCKER-ISOLATION-STAGE-2')[1], '-o docker0 -j DROP');
});
