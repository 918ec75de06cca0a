/**
 * Docker's own generated firewall documents (moby integration/network/bridge/
 * {iptables,nftables}doc/generated/*.md, recorded by scripts/extract-moby-docs.ts into
 * fixtures/golden/moby-<version>/): each document's scenario runs as a script the model
 * reads (fixtures/scripts/moby/<doc>.docker) and the prediction must equal the document.
 * iptables: the tables the document shows, chains, policies and the order of rules.
 * nftables: the docker-bridges table, chains in listing order, base chain lines, rules in
 * order, and maps as sets of elements. Every scenario runs: a line the model cannot
 * interpret fails its test with the line number.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import type { NftRuleset, NftTable } from '../netfilter/nft/types.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import type { DockerDaemonModel } from './daemon-model.ts';
import { DockerScriptError, runDockerScript } from './script.ts';

const fixtures = new URL('../../fixtures/', import.meta.url);
const scripts = new URL('scripts/moby/', fixtures);

/** Profile ← folder of recorded documents. */
const RECORDED = [
  { version: '29.7', folder: 'moby-29.7.2', backends: ['iptables', 'nftables'] as const },
  { version: '28.5', folder: 'moby-28.5.2', backends: ['iptables'] as const },
];

const docs = (folder: string, backend: string, ext: string): string[] =>
  readdirSync(new URL(`golden/${folder}/${backend}/`, fixtures))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

/** The scenario's script; for nftables its dockerd line gets `--firewall-backend=nftables`. */
function scenario(doc: string, backend: 'iptables' | 'nftables'): string {
  const text = readFileSync(new URL(`${doc}.docker`, scripts), 'utf8');
  if (backend === 'iptables') return text;
  assert.match(text, /^dockerd\b/m, `fixtures/scripts/moby/${doc}.docker has no dockerd line`);
  return text.replace(/^dockerd\b/m, 'dockerd --firewall-backend=nftables');
}

/** Runs the scenario's script on the profile (a line it cannot interpret throws, naming the line). */
function run(doc: string, version: string, backend: 'iptables' | 'nftables'): DockerDaemonModel {
  return runDockerScript(scenario(doc, backend), { version, file: `fixtures/scripts/moby/${doc}.docker` });
}

/** The model's iptables tables, only those the document shows. */
function shownTables(model: Ruleset, doc: Ruleset): Ruleset {
  const names = new Set(doc.tables.map((t) => t.name));
  return { ...model, tables: model.tables.filter((t) => names.has(t.name)) };
}

/**
 * The differences between two docker-bridges tables: chain order and content, base chain
 * lines, rules in order, maps' declarations and elements as sets. Empty: the same.
 */
export function diffNftTables(real: NftTable, model: NftTable): string[] {
  const out: string[] = [];
  const chains = (t: NftTable) => t.chains.map((c) => c.name);
  if (chains(real).join(' ') !== chains(model).join(' '))
    out.push(`chains:\n  real:  ${chains(real).join(' ')}\n  model: ${chains(model).join(' ')}`);
  for (const rc of real.chains) {
    const mc = model.chains.find((c) => c.name === rc.name);
    if (!mc) continue;
    const base = (c: typeof rc) =>
      c.base ? `${c.base.type} ${c.base.hook} ${c.base.priorityText} ${c.base.policy}` : '';
    if (base(rc) !== base(mc)) out.push(`chain ${rc.name} base: real "${base(rc)}", model "${base(mc)}"`);
    const rr = rc.rules.map((r) => r.text);
    const mr = mc.rules.map((r) => r.text);
    if (rr.join('\n') !== mr.join('\n'))
      out.push(
        `chain ${rc.name} rules:\n  real:\n    ${rr.join('\n    ')}\n  model:\n    ${mr.join('\n    ')}`,
      );
  }
  const sets = (t: NftTable) => t.sets.map((s) => `${s.kind} ${s.name}`).sort();
  if (sets(real).join(' ') !== sets(model).join(' '))
    out.push(`maps and sets:\n  real:  ${sets(real).join(', ')}\n  model: ${sets(model).join(', ')}`);
  for (const rs of real.sets) {
    const ms = model.sets.find((s) => s.name === rs.name && s.kind === rs.kind);
    if (!ms) continue;
    if (rs.declaration.join('; ') !== ms.declaration.join('; '))
      out.push(
        `${rs.kind} ${rs.name}: real "${rs.declaration.join('; ')}", model "${ms.declaration.join('; ')}"`,
      );
    const el = (s: typeof rs) => s.elements.map((e) => `${e.key} : ${e.value}`).sort();
    if (el(rs).join(', ') !== el(ms).join(', '))
      out.push(
        `${rs.kind} ${rs.name} elements:\n  real:  ${el(rs).join(', ')}\n  model: ${el(ms).join(', ')}`,
      );
  }
  return out;
}

/**
 * The model's ruleset as moby's documents record it: `nft -s` (counters without values),
 * and nat-OUTPUT's `priority -100` named `dstnat` as the document generator rewrites it.
 */
function asDocumented(rs: NftRuleset): NftRuleset {
  const text = serializeNftRuleset(rs, { stateless: true }).replace(
    'type nat hook output priority -100;',
    'type nat hook output priority dstnat;',
  );
  return parseNftRuleset(text, { file: 'model' });
}

for (const { version, folder, backends } of RECORDED) {
  describe(`moby ${folder} generated documents on the ${version} profile`, () => {
    for (const backend of backends) {
      if (backend === 'iptables') {
        for (const doc of docs(folder, 'iptables', '.txt')) {
          test(`iptables ${doc}: the model writes the document's rules`, () => {
            const model = run(doc, version, backend);
            const file = `fixtures/golden/${folder}/iptables/${doc}.txt`;
            const real = parseRuleset(
              readFileSync(new URL(`golden/${folder}/iptables/${doc}.txt`, fixtures), 'utf8'),
              {
                file,
              },
            );
            const cmp = compareRulesets(real, shownTables(model.ruleset(), real));
            assert.ok(cmp.equal, `${file}:\n${cmp.unified}`);
            assert.equal(model.nftRuleset(), undefined, 'the iptables backend writes no nft table');
          });
        }
        continue;
      }
      for (const doc of docs(folder, 'nftables', '.nft')) {
        test(`nftables ${doc}: the model writes the document's docker-bridges table`, () => {
          const model = run(doc, version, backend);
          const file = `fixtures/golden/${folder}/nftables/${doc}.nft`;
          const real = parseNftRuleset(
            readFileSync(new URL(`golden/${folder}/nftables/${doc}.nft`, fixtures), 'utf8'),
            {
              file,
            },
          );
          const predicted = model.nftRuleset();
          assert.ok(predicted, 'the nftables backend has an nft ruleset');
          const [realTable] = real.tables;
          const modelTables = asDocumented(predicted).tables;
          assert.deepEqual(
            modelTables.map((x) => `${x.family} ${x.name}`),
            ['ip docker-bridges'],
            'one table, ip docker-bridges (the model lists ip6 docker-bridges once a network has IPv6)',
          );
          const diff = diffNftTables(realTable as NftTable, modelTables[0] as NftTable);
          assert.deepEqual(diff, [], `${file}:\n${diff.join('\n')}`);
          // Docker's nftables backend leaves iptables alone: no DOCKER chains, no DOCKER-USER.
          const dockerChains = model
            .ruleset()
            .tables.flatMap((x) =>
              x.chains.filter((c) => c.name.startsWith('DOCKER')).map((c) => `${x.name} ${c.name}`),
            );
          assert.deepEqual(dockerChains, []);
        });
      }
    }
  });
}

test('every recorded document has a scenario script, and every script a document', () => {
  const scriptNames = readdirSync(scripts)
    .filter((f) => f.endsWith('.docker'))
    .map((f) => f.slice(0, -'.docker'.length))
    .sort();
  assert.deepEqual(docs('moby-29.7.2', 'iptables', '.txt'), scriptNames);
  assert.deepEqual(docs('moby-28.5.2', 'iptables', '.txt'), scriptNames);
  assert.equal(docs('moby-29.7.2', 'iptables', '.txt').length, 9);
  assert.equal(docs('moby-29.7.2', 'nftables', '.nft').length, 8);
});

test("swarm on 29.7 with the nftables backend (no document): refused in Docker's words, at its line", () => {
  assert.throws(
    () =>
      runDockerScript(scenario('swarm-portmap', 'nftables'), {
        version: '29.7',
        file: 'swarm-portmap.docker',
      }),
    (e: unknown) =>
      e instanceof DockerScriptError &&
      e.line === 4 &&
      /--firewall-backend=nftables is incompatible with swarm mode/.test(e.message),
  );
});

test('the nft comparison sees a moved rule, a missing map element and another base chain', () => {
  const text = readFileSync(new URL('golden/moby-29.7.2/nftables/usernet-portmap.nft', fixtures), 'utf8');
  const [real] = parseNftRuleset(text).tables as [NftTable];
  const swapped = text.replace(
    '\t\tiifname "bridge1" counter accept comment "ICC"\n\t\tip daddr 192.0.2.2 tcp dport 80 counter accept\n',
    '\t\tip daddr 192.0.2.2 tcp dport 80 counter accept\n\t\tiifname "bridge1" counter accept comment "ICC"\n',
  );
  assert.notEqual(swapped, text);
  assert.match(
    diffNftTables(real, parseNftRuleset(swapped).tables[0] as NftTable).join('\n'),
    /filter-forward-in__bridge1 rules/,
  );
  const noElement = text.replace(
    '{ "docker0" : jump filter-forward-out__docker0,\n\t\t\t     "bridge1" : jump filter-forward-out__bridge1 }',
    '{ "docker0" : jump filter-forward-out__docker0 }',
  );
  assert.notEqual(noElement, text);
  assert.match(
    diffNftTables(real, parseNftRuleset(noElement).tables[0] as NftTable).join('\n'),
    /filter-forward-out-jumps elements/,
  );
  const policy = text.replace('priority filter; policy accept;', 'priority filter; policy drop;');
  assert.match(
    diffNftTables(real, parseNftRuleset(policy).tables[0] as NftTable).join('\n'),
    /filter-FORWARD base/,
  );
  // Elements in another order are the same map.
  const reordered = text.replace(
    '{ "docker0" : jump filter-forward-out__docker0,\n\t\t\t     "bridge1" : jump filter-forward-out__bridge1 }',
    '{ "bridge1" : jump filter-forward-out__bridge1,\n\t\t\t     "docker0" : jump filter-forward-out__docker0 }',
  );
  assert.deepEqual(diffNftTables(real, parseNftRuleset(reordered).tables[0] as NftTable), []);
});
