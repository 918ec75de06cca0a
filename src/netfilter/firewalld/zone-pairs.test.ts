import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseNftRuleset } from '../nft/parse.ts';
import { serializeNftTable } from '../nft/serialize.ts';
import type { NftTable } from '../nft/types.ts';
import { addPairInterface, removePairInterface } from './zone-pairs.ts';

// Recorded on a real Docker 26.1 host with firewalld 2.3.1 (fixtures/nft/firewalld/26.1/README.md).
const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'nft', 'firewalld', '26.1');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const tableOf = (name: string): NftTable => parseNftRuleset(read(name)).tables[0] as NftTable;
const N1 = 'web_net';
const N2 = 'br-bc85310d01b8';

test('binding bridges writes a group per interface and per pair, as firewalld 2.3 did on the real host', () => {
  const table = tableOf('after-dockerd.nft');
  addPairInterface(table, 'docker0', N1, ['docker0']);
  assert.equal(serializeNftTable(table), read('after-network-create.nft'));
  addPairInterface(table, 'docker0', N2, ['docker0', N1]);
  assert.equal(serializeNftTable(table), read('after-second-network.nft'));
});

test('removing a bridge takes out every rule naming it on either side', () => {
  const table = tableOf('after-second-network.nft');
  removePairInterface(table, N1);
  assert.equal(serializeNftTable(table), read('after-network-remove.nft'));
  removePairInterface(table, N2);
  assert.equal(serializeNftTable(table), read('after-dockerd.nft'));
});

test('binding an interface twice, or from a reference no rule names, is an error', () => {
  const table = tableOf('after-network-create.nft');
  assert.throws(() => addPairInterface(table, 'docker0', N1, ['docker0', N1]), /already bound/);
  assert.throws(() => addPairInterface(table, 'nope0', 'x1', ['nope0']), /names interface "nope0"/);
});

test('property: any order of binds and unbinds ends where binding the survivors in name order ends', () => {
  const pool = ['br-a1', 'br-b2', 'br-c3', 'web_net', 'zz9'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 8 }), (ops) => {
      const table = tableOf('after-dockerd.nft');
      const bound = ['docker0'];
      for (const name of ops) {
        if (bound.includes(name)) {
          removePairInterface(table, name);
          bound.splice(bound.indexOf(name), 1);
        } else {
          addPairInterface(table, 'docker0', name, bound);
          bound.push(name);
        }
      }
      const fresh = tableOf('after-dockerd.nft');
      const again = ['docker0'];
      for (const name of [...bound.slice(1)].sort()) {
        addPairInterface(fresh, 'docker0', name, again);
        again.push(name);
      }
      const policies = (t: NftTable) =>
        t.chains.filter((c) => c.name.endsWith('_POLICIES')).map((c) => c.rules.map((r) => r.text));
      assert.deepEqual(policies(table), policies(fresh));
      const n = bound.length;
      const forward = table.chains.find((c) => c.name === 'filter_FORWARD_POLICIES');
      // n² pairs + n ingress + n egress groups of two rules, and the catch-all's two.
      assert.equal(forward?.rules.length, 2 * (n * n + 2 * n) + 2);
    }),
    { numRuns: 40 },
  );
});
