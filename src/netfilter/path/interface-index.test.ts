import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RuleSpec } from '../types.ts';
import { InterfaceIndex } from './interface-index.ts';
import { compileHeader } from './matches/header.ts';
import { matchEnv, packet } from './test-support.ts';

const devs = ['docker0', 'br-a', 'br-b', 'eth0', ''];
const ifaceSpec = fc.option(
  fc.record({ invert: fc.boolean(), value: fc.constantFrom('docker0', 'br-a', 'br-b', 'eth0', 'br-+', '+') }),
  { nil: undefined },
);
const spec: fc.Arbitrary<RuleSpec> = fc
  .record({ inInterface: ifaceSpec, outInterface: ifaceSpec })
  .map((s) => {
    const r: RuleSpec = { matches: [] };
    if (s.inInterface) r.inInterface = s.inInterface;
    if (s.outInterface) r.outInterface = s.outInterface;
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
        (specs, inDev, outDev) => {
          const candidates = new InterfaceIndex(specs).candidates(inDev, outDev);
          const p = packet({ inDev, outDev });
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
});
