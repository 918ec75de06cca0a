import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatListing, ListingParseError, normalizeListingText, parseListing } from './listing.ts';

const seeds = new URL('../../../fixtures/seeds/', import.meta.url);
const listings = readdirSync(seeds).filter((f) => f.endsWith('.iptables-L'));

test('every -L listing quoted in the seeds is a fixture', () => {
  assert.ok(listings.some((f) => f.startsWith('001-')));
  assert.ok(listings.some((f) => f.startsWith('003-')));
});

for (const file of listings) {
  test(`seed listing ${file}: parse then format gives the listing back (whitespace collapsed)`, () => {
    const text = readFileSync(new URL(file, seeds), 'utf8');
    const chains = parseListing(text);
    assert.ok(chains.length > 0 && chains.every((c) => c.columns.includes('destination')));
    assert.equal(formatListing(chains), normalizeListingText(text));
  });
}

test('rows are split into their columns; a rule without a target leaves the cell blank', () => {
  const [chain] = parseListing(
    [
      'Chain DOCKER-INGRESS (2 references)',
      ' pkts bytes target     prot opt in     out     source               destination',
      ' 1215  228K ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp dpt:4510',
      '    3   180            all  --  any    any     anywhere             anywhere',
    ].join('\n'),
  );
  assert.equal(chain?.references, 2);
  assert.deepEqual(chain?.rows[0], {
    cells: {
      pkts: '1215',
      bytes: '228K',
      target: 'ACCEPT',
      prot: 'tcp',
      opt: '--',
      in: 'any',
      out: 'any',
      source: 'anywhere',
      destination: 'anywhere',
    },
    extra: 'tcp dpt:4510',
  });
  assert.equal(chain?.rows[1]?.cells.target, '');
  assert.equal(chain?.rows[1]?.cells.prot, 'all');
});

test('policy counters of -v listings are kept', () => {
  const [chain] = parseListing(
    'Chain FORWARD (policy DROP 12 packets, 1008 bytes)\ntarget prot opt source destination',
  );
  assert.deepEqual([chain?.policy, chain?.policyCounters], ['DROP', { packets: '12', bytes: '1008' }]);
  assert.equal(
    formatListing(chain ? [chain] : []),
    'Chain FORWARD (policy DROP 12 packets, 1008 bytes)\ntarget prot opt source destination',
  );
});

test('bad listings name the line and say what was expected', () => {
  assert.throws(() => parseListing('ACCEPT all -- anywhere anywhere'), /line 1: expected "Chain NAME/);
  assert.throws(
    () => parseListing('Chain X (1 references)\nfoo bar'),
    /line 2: expected the column header of chain X/,
  );
  assert.throws(
    () => parseListing('Chain X (1 references)\ntarget prot opt source destination\nACCEPT all'),
    (e: Error) => e instanceof ListingParseError && e.line === 3,
  );
});

const word = fc.stringMatching(/^[A-Za-z0-9._:/!-]{1,12}$/);
const row = fc.record({
  target: fc.oneof(fc.constant(''), fc.constantFrom('ACCEPT', 'DROP', 'DOCKER', 'MASQUERADE', 'RETURN')),
  prot: fc.constantFrom('all', 'tcp', 'udp', 'icmp', '!tcp'),
  opt: fc.constantFrom('--', '-f', '!f'),
  source: word,
  destination: word,
  extra: fc.array(word, { maxLength: 4 }).map((w) => w.join(' ')),
});

test('property: generated listings round trip', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          name: fc.stringMatching(/^[A-Z][A-Z0-9_-]{0,15}$/),
          head: fc.oneof(
            fc.constantFrom('(policy ACCEPT)', '(policy DROP)'),
            fc.nat(9).map((n) => `(${n} references)`),
          ),
          rows: fc.array(row, { maxLength: 5 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      (chains) => {
        const text = chains
          .map((c) =>
            [
              `Chain ${c.name} ${c.head}`,
              'target prot opt source destination',
              ...c.rows.map((r) =>
                [r.target, r.prot, r.opt, r.source, r.destination, r.extra].filter((x) => x !== '').join(' '),
              ),
            ].join('\n'),
          )
          .join('\n');
        assert.equal(formatListing(parseListing(text)), normalizeListingText(text));
      },
    ),
  );
});

test('property: garbage throws nothing but ListingParseError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        parseListing(`Chain X (1 references)\n${text}`);
      } catch (e) {
        assert.ok(e instanceof ListingParseError, String(e));
      }
    }),
  );
});
