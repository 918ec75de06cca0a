import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseIPv4 } from '../address/index.ts';
import type { RuleSpec } from '../types.ts';
import { InterfaceIndex } from './interface-index.ts';
import { compileHeader } from './matches/header.ts';
import { matchEnv, packet } from './test-support.ts';

const devs = ['docker0', 'br-a', 'br-b', 'eth0', ''];
const ifaceSpec = fc.option(
  fc.record({ invert: fc.boolean(), value: fc.constantFrom('docker0', 'br-a', 'br-b', 'eth0', 'br-+', '+') }),
  { nil: undefined },
);
const sources = ['172.17.0.2', '172.17.0.3', '10.0.0.2', '0.0.0.0'];
const sourceSpec = fc.option(
  fc.record({
    invert: fc.boolean(),
    value: fc.constantFrom('172.17.0.0/16', '172.17.0.2/32', '10.0.0.0/24', '10.0.0.0/8', '0.0.0.0/0'),
  }),
  { nil: undefined },
);
const spec: fc.Arbitrary<RuleSpec> = fc
  .record({ inInterface: ifaceSpec, outInterface: ifaceSpec, source: sourceSpec })
  .map((s) => {
    const r: RuleSpec = { matches: [] };
    if (s.inInterface) r.inInterface = s.inInterface;
    if (s.outInterface) r.outInterface = s.outInterface;
    if (s.source) r.source = s.source;
    return r;
  });

describe('InterfaceIndex', () => {
  it('keeps, in rule order, every rule whose interfaces can match (property)', () => {
    const env = matchEnv();
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 24, maxLength: 80 }),
        fc.constantFrom(...devs),
        fc.constantFrom(...devs),
        fc.constantFrom(...sources),
        (specs, inDev, outDev, source) => {
          const saddr = parseIPv4(source);
          const candidates = new InterfaceIndex(specs).candidates(inDev, outDev, saddr);
          const p = packet({ inDev, outDev, src: source });
          const canMatch = specs.flatMap((s, i) => (compileHeader(s)(p, env) ? [i] : []));
          // Sorted, no duplicates, and a superset of the rules that can match.
          assert.deepEqual(
            [...candidates].sort((a, b) => a - b),
            [...new Set(candidates)],
          );
          for (const i of canMatch)
            assert.ok(candidates.includes(i), `rule ${i} dropped for ${inDev}/${outDev}`);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('skips rules pinned to other bridges in a long chain', () => {
    const specs: RuleSpec[] = [];
    for (let n = 0; n < 50; n++)
      specs.push({ matches: [], outInterface: { invert: false, value: `br-${n}` } });
    specs.push({ matches: [] });
    assert.deepEqual(new InterfaceIndex(specs).candidates('docker0', 'br-7'), [7, 50]);
  });
  it("skips Docker's MASQUERADE rules of other subnets (pinned by -s)", () => {
    const specs: RuleSpec[] = [];
    for (let n = 0; n < 50; n++)
      specs.push({
        matches: [],
        source: { invert: false, value: `10.0.${n}.0/24` },
        outInterface: { invert: true, value: `br-${n}` },
      });
    specs.push({ matches: [], source: { invert: false, value: '10.0.0.0/8' } }, { matches: [] });
    assert.deepEqual(
      new InterfaceIndex(specs).candidates('br-9', 'eth0', parseIPv4('10.0.9.2')),
      [9, 50, 51],
    );
    assert.deepEqual(new InterfaceIndex(specs).candidates('docker0', 'eth0', parseIPv4('172.17.0.2')), [51]);
  });
});
