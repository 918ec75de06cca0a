import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { serializeNftTable } from '../nft/serialize.ts';
import { FIREWALLD_2_3, FirewalldModel } from './firewalld.ts';

// Recorded on a real Docker 26.1 host with firewalld 2.3.1 (fixtures/nft/firewalld/26.1/README.md).
const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'nft', 'firewalld', '26.1');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const N1 = 'web_net';
const N2 = 'br-bc85310d01b8';

function started(): FirewalldModel {
  return new FirewalldModel(read('after-dockerd.nft'), { tables: [] }, 'after-dockerd.nft', FIREWALLD_2_3);
}
const listing = (fw: FirewalldModel) => serializeNftTable(fw.table());

test('firewalld 2.3: the recorded sequence, step by step, byte for byte', () => {
  const fw = started();
  assert.equal(listing(fw), read('after-dockerd.nft'));
  fw.bridgeAdded(N1);
  assert.equal(listing(fw), read('after-network-create.nft'));
  fw.bridgeAdded(N2);
  assert.equal(listing(fw), read('after-second-network.nft'));
  fw.bridgeRemoved(N1);
  assert.equal(listing(fw), read('after-network-remove.nft'));
  assert.equal(fw.run(['--zone=public', '--add-port=8080/tcp']).exitCode, 0);
  assert.equal(fw.run(['--zone=public', '--add-port=5353/udp']).exitCode, 0);
  assert.equal(listing(fw), read('after-add-port.nft'));
  fw.run(['--zone=public', '--remove-port=5353/udp']);
  fw.run(['--reload']);
  // Docker 26.1's reload callbacks outlive their network: it binds the removed web_net
  // again, in registration order (DockerDaemonModel.firewallReload), as the real host did.
  for (const bridge of ['docker0', N1, N2]) fw.bridgeAdded(bridge);
  assert.equal(listing(fw), read('after-reload.nft'));
});

test('firewalld 2.3: --reload drops runtime ports and binds the bridges again in the order Docker made them', () => {
  const fw = started();
  fw.bridgeAdded(N1);
  fw.bridgeAdded(N2);
  fw.run(['--zone=public', '--add-port=8080/tcp']);
  assert.match(listing(fw), /\t\ttcp dport 8080 accept\n/);
  fw.run(['--reload']);
  for (const bridge of ['docker0', N1, N2]) fw.bridgeAdded(bridge);
  assert.equal(listing(fw), read('after-reload.nft'));
  assert.equal(
    fw.run(['--get-active-zones']).stdout,
    `docker\n  interfaces: docker0 ${N1} ${N2}\npublic (default)\n`,
  );
});
