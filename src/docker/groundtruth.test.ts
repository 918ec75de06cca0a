/**
 * Replays the SETUP commands of each ground-truth transcript (real Docker 20.10.24 in
 * DinD, fixtures/groundtruth; real Docker 28.5.2, fixtures/groundtruth/28.5) through the
 * model of that version and compares the final ruleset with the recorded one: every table,
 * chain and rule, in order (counters zeroed on both sides). Only the embedded-DNS ports
 * are taken from the recording (they are random on the real host).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseRuleset, parseTranscript, serializeRuleset, zeroCounters } from '../netfilter/ruleset/index.ts';
import { DockerDaemonModel } from './daemon-model.ts';
import { applyAction, parseDockerScript } from './script.ts';

const dir = new URL('../../fixtures/groundtruth/', import.meta.url);

function dnsPorts(dump: string): { tcp: number; udp: number } {
  const port = (proto: string) => {
    const m = new RegExp(
      `-p ${proto} -m ${proto} --dport 53 -j DNAT --to-destination 127\\.0\\.0\\.11:(\\d+)`,
    ).exec(dump);
    assert.ok(m, `the recorded dump has the ${proto} embedded-DNS DNAT rule`);
    return Number(m[1]);
  };
  return { tcp: port('tcp'), udp: port('udp') };
}

const recordings = [
  { version: '20.10', at: dir },
  { version: '28.5', at: new URL('28.5/', dir) },
];

for (const { version, at } of recordings)
  for (const name of readdirSync(at).filter((f) => f.endsWith('.txt'))) {
    test(`${version} model reproduces the final ruleset of ${name}`, () => {
      const t = parseTranscript(readFileSync(new URL(name, at), 'utf8'));
      assert.ok(t.finalDumpText, 'transcript has a RULESET AT END');
      const expected = parseRuleset(t.finalDumpText, { file: name });
      zeroCounters(expected);

      const model = DockerDaemonModel.start({ version, baseline: 'dind' });
      const ports = dnsPorts(t.finalDumpText);
      model.learnDnsPorts(ports.tcp, ports.udp);
      for (const setup of t.setup) {
        for (const action of parseDockerScript(setup.command, { file: `${name}:${setup.line}` })) {
          applyAction(model, action, name);
        }
      }
      assert.equal(serializeRuleset(model.ruleset()), serializeRuleset(expected));
    });
  }

test('e3: the published port has a docker-proxy on 0.0.0.0 and its [::] twin, both to the container', () => {
  const t = parseTranscript(readFileSync(new URL('e3-publish-and-proxy.txt', dir), 'utf8'));
  const model = DockerDaemonModel.start({ version: '20.10' });
  for (const s of t.setup) for (const a of parseDockerScript(s.command)) applyAction(model, a);
  const host = model.host();
  assert.deepEqual(
    host.listeners.map((l) => `${l.address}:${l.port}->${l.forwardTo?.address}:${l.forwardTo?.port}`),
    ['0.0.0.0:8080->172.18.0.66:80', ':::8080->172.18.0.66:80'],
  );
  const nginx = host.neighbours.find((n) => n.name === 'nginx-demo');
  assert.deepEqual(nginx, {
    name: 'nginx-demo',
    address: '172.18.0.66',
    dev: 'test_net',
    listeners: [{ protocol: 'tcp', port: 80 }],
    answersPing: true,
  });
  assert.equal(host.neighbours.find((n) => n.name === 'box')?.address, '172.17.0.2');
  model.killDockerProxy();
  assert.equal(model.host().listeners.length, 0, 'kill docker-proxy removes the listeners');
  assert.match(serializeRuleset(model.ruleset()), /--dport 8080 -j DNAT/, '… but not the DNAT rule');
});
