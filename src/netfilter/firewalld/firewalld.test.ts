import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { serializeNftTable } from '../nft/serialize.ts';
import type { NftRuleset } from '../nft/types.ts';
import { FirewalldModel } from './firewalld.ts';

// Recorded on a real Docker 28.5 host with firewalld 2.5.2 (fixtures/nft/firewalld/28.5/README.md).
const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'nft', 'firewalld', '28.5');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const N1 = 'br-51e62ab82932';
const N2 = 'br-6ccc23878c1b';

function started(): { fw: FirewalldModel; nft: NftRuleset } {
  const nft: NftRuleset = { tables: [] };
  return { fw: new FirewalldModel(read('after-dockerd.nft'), nft), nft };
}
const listing = (fw: FirewalldModel) => serializeNftTable(fw.table());

test('the model host starts with the recorded table, byte for byte', () => {
  const { fw, nft } = started();
  assert.equal(listing(fw), read('after-dockerd.nft'));
  assert.equal(nft.tables.length, 1);
});

test('Docker binding bridges to its zone writes what firewalld wrote on the real host', () => {
  const { fw } = started();
  fw.bridgeAdded(N1);
  assert.equal(listing(fw), read('after-network-create.nft'));
  fw.bridgeAdded(N2);
  assert.equal(listing(fw), read('after-second-network.nft'));
  fw.bridgeRemoved(N1);
  assert.equal(listing(fw), read('after-network-remove.nft'));
});

test('--add-port appends to the zone allow chain; --remove-port takes it out; --reload drops runtime ports', () => {
  const { fw } = started();
  fw.bridgeAdded(N2);
  assert.equal(fw.run(['--zone=public', '--add-port=8080/tcp']).exitCode, 0);
  assert.equal(fw.run(['--zone=public', '--add-port=5353/udp']).exitCode, 0);
  assert.equal(listing(fw), read('after-add-port.nft'));
  fw.run(['--zone=public', '--remove-port=5353/udp']);
  fw.run(['--zone=public', '--remove-port=8080/tcp']);
  assert.equal(listing(fw), read('after-network-remove.nft'));
  fw.run(['--zone=public', '--add-port=8080/tcp']);
  assert.equal(fw.run(['--reload']).stdout, 'success\n');
  assert.equal(fw.run(['--get-active-zones']).stdout, 'docker\n  interfaces: docker0\npublic (default)\n');
  // Runtime-only port gone; Docker (28.5: its live networks) binds its bridge again.
  fw.bridgeAdded(N2);
  assert.equal(listing(fw), read('after-network-remove.nft'));
  assert.equal(
    fw.run(['--get-active-zones']).stdout,
    `docker\n  interfaces: docker0 ${N2}\npublic (default)\n`,
  );
});

test('a permanent port is in the table only after --reload', () => {
  const { fw } = started();
  fw.run(['--permanent', '--zone=public', '--add-port=8080/tcp']);
  assert.doesNotMatch(listing(fw), /dport 8080/);
  fw.run(['--reload']);
  assert.match(listing(fw), /\t\ttcp dport 8080 accept\n/);
});

test("bad zones and ports get firewall-cmd's errors; what is not modelled says so (exit 2)", () => {
  const { fw } = started();
  assert.equal(fw.run(['--zone=nope', '--add-port=80/tcp']).exitCode, 112);
  assert.equal(fw.run(['--zone=public', '--add-port=80/icmp']).exitCode, 102);
  assert.equal(fw.run(['--zone=public', '--add-port=70000/tcp']).exitCode, 102);
  const r = fw.run(['--add-service=http']);
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /does not interpret `firewall-cmd --add-service=http`.*--add-port/);
  assert.equal(fw.run(['--state']).stdout, 'running\n');
});

test('property: any argv is answered with a result, never a throw, and the table stays parseable', () => {
  const word = fc.oneof(
    fc.constantFrom('--reload', '--permanent', '--zone=public', '--zone=docker', '--list-ports', '--state'),
    fc.string().map((s) => `--add-port=${s}`),
    fc.string().map((s) => `--remove-port=${s}`),
    fc.string(),
  );
  const { fw } = started();
  fc.assert(
    fc.property(fc.array(word, { maxLength: 4 }), (argv) => {
      const r = fw.run(argv);
      assert.ok([0, 2, 102, 112].includes(r.exitCode), `${argv.join(' ')} → ${r.exitCode}`);
      assert.match(listing(fw), /^table inet firewalld \{/);
    }),
    { numRuns: 300 },
  );
});

test("after a reload, the real host's order of Docker's bindings is taken where only the order differs", () => {
  const { fw } = started();
  fw.bridgeAdded(N1);
  fw.bridgeAdded(N2);
  fw.run(['--reload']);
  // Docker 28 binds again in Go map order: here N2 before N1 (dispatch chains stay in name order).
  for (const bridge of ['docker0', N2, N1]) fw.bridgeAdded(bridge);
  const other = started().fw;
  other.run(['--reload']);
  for (const bridge of ['docker0', N1, N2]) other.bridgeAdded(bridge);
  const expected = listing(fw);
  assert.notEqual(listing(other), expected);
  other.adoptRebindOrder({ tables: [fw.table()] });
  assert.equal(listing(other), expected);
});

test('a real table with other rules (not a reordering) is not adopted', () => {
  const { fw } = started();
  fw.bridgeAdded(N1);
  const before = listing(fw);
  const other = started().fw;
  other.bridgeAdded(N2);
  fw.adoptRebindOrder({ tables: [other.table()] });
  assert.equal(listing(fw), before);
});
