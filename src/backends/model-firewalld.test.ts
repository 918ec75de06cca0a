import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesOf, nftablesOf } from '../netfilter/firewall-state.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { createModelBackend } from './model.ts';

test('a model host with firewalld has its table, binds new bridges and runs firewall-cmd', async () => {
  const b = await createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [], hostFirewall: 'firewalld' });
  const listing = () => serializeNftRuleset(nftablesOf(b.hostState().firewall) ?? { tables: [] });
  assert.match(listing(), /^table inet firewalld \{/);
  await b.createNetwork({ name: 'n1', options: { 'com.docker.network.bridge.name': 'n1br' } });
  assert.match(listing(), /\t\tiifname "n1br" jump filter_FWD_docker_dispatch_stage2\n/);
  const zones = await b.hostCommand('firewall-cmd --get-active-zones');
  assert.equal(zones.stdout, 'docker\n  interfaces: docker0 n1br\npublic (default)\n');
  assert.equal((await b.hostCommand('firewall-cmd --zone=public --add-port=8080/tcp')).exitCode, 0);
  assert.match(listing(), /\t\ttcp dport 8080 accept\n/);
  await b.removeNetwork('n1');
  assert.doesNotMatch(listing(), /n1br/);
  await b.dispose?.();
});

test('a plain model host has no firewalld: firewall-cmd says it is not running', async () => {
  const b = await createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  const r = await b.hostCommand('firewall-cmd --reload');
  assert.equal(r.exitCode, 252);
  assert.match(r.stderr, /FirewallD is not running/);
  assert.equal(nftablesOf(b.hostState().firewall)?.tables.length ?? 0, 0);
  await b.dispose?.();
});

test('a version without a recorded firewalld table is refused with what to do', async () => {
  const b = await createModelBackend();
  await assert.rejects(
    b.startHost({ dockerVersion: '20.10', daemonOptions: [], hostFirewall: 'firewalld' }),
    /no firewalld host for Docker 20\.10.*record one/,
  );
});

test('Docker 26.1 (firewalld 2.3): pair rules for a new bridge; a reload runs Docker 26.1 reload callbacks', async () => {
  const b = await createModelBackend();
  await b.startHost({ dockerVersion: '26.1', daemonOptions: [], hostFirewall: 'firewalld' });
  const listing = () => serializeNftRuleset(nftablesOf(b.hostState().firewall) ?? { tables: [] });
  await b.createNetwork({ name: 'n1', options: { 'com.docker.network.bridge.name': 'n1br' } });
  assert.match(listing(), /\t\tiifname "docker0" oifname "n1br" jump filter_FWD_docker\n/);
  assert.match(listing(), /\t\tiifname "n1br" jump filter_FWD_docker\n/);
  const forward = () =>
    iptablesOf(b.hostState().firewall)
      .tables.find((t) => t.name === 'filter')
      ?.chains.find((c) => c.name === 'FORWARD')
      ?.rules.slice(0, 2)
      .map((r) => r.text);
  assert.deepEqual(forward(), ['-j DOCKER-USER', '-j DOCKER-ISOLATION-STAGE-1']);
  assert.equal((await b.hostCommand('firewall-cmd --reload')).exitCode, 0);
  // DOCKER-USER's jump first goes to the top, then each network's setupIPTables puts the
  // isolation jump above it (measured on a real 26.1 firewalld host).
  assert.deepEqual(forward(), ['-j DOCKER-ISOLATION-STAGE-1', '-j DOCKER-USER']);
  assert.match(listing(), /\t\tiifname "n1br" jump filter_FWD_docker\n/);
  await b.dispose?.();
});
