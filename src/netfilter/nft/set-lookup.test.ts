/** Set and map lookups: hash and interval lookups agree with the elements' own spans. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIPv4, parseIPv4 } from '../address/index.ts';
import { newPacket } from '../path/packet.ts';
import { RoutingTable } from '../path/routing.ts';
import { testHost } from '../path/test-support.ts';
import { walkNftBaseChain } from './chain-walk.ts';
import { parseNftRuleset } from './parse.ts';
import { KeyLookup, namedSetLookup } from './set-lookup.ts';
import { covers, interfaceSpans, ipv4Spans, type KeySpan, portSpans, tupleSpans } from './values.ts';

/** Addresses in a small space, so that random keys often fall inside random elements. */
const address = fc.integer({ min: 0, max: 63 }).map((n) => formatIPv4(parseIPv4('10.0.0.0') + n));
const ipv4Element = fc.oneof(
  address,
  fc.tuple(address, fc.constantFrom(27, 28, 29, 30, 32)).map(([a, p]) => `${a}/${p}`),
  fc.tuple(address, address).map(([a, b]) => (parseIPv4(a) <= parseIPv4(b) ? `${a}-${b}` : `${b}-${a}`)),
);

describe('KeyLookup', () => {
  it('finds an element that covers the key exactly when one does (IPv4, property)', () => {
    fc.assert(
      fc.property(fc.array(ipv4Element, { maxLength: 40 }), address, (elements, key) => {
        const spans = elements.map(ipv4Spans);
        const v = parseIPv4(key);
        const hit = new KeyLookup(spans).get(v);
        const any = spans.some((s) => s.some((x) => covers(x, v)));
        assert.equal(hit !== undefined, any, `${key} in { ${elements.join(', ')} }`);
        if (hit !== undefined) assert.ok((spans[hit] as KeySpan[]).some((x) => covers(x, v)));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes names, keeps wildcards, and concatenations (property)', () => {
    const name = fc.constantFrom('docker0', 'br-a', 'br-b', 'eth0', 'veth1');
    const element = fc.oneof(
      name.map((n) => `"${n}"`),
      fc.constantFrom('"br-*"', '"veth*"'),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 10 }), name, (elements, key) => {
        const spans = elements.map(interfaceSpans);
        const hit = new KeyLookup(spans).get(key);
        assert.equal(
          hit !== undefined,
          spans.some((s) => s.some((x) => covers(x, key))),
        );
      }),
    );
    const tuple = tupleSpans([ipv4Spans, portSpans]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ipv4Element, fc.constantFrom('80', '443', '8000-8100')), { maxLength: 20 }),
        address,
        fc.constantFrom(80, 443, 8080, 22),
        (elements, a, port) => {
          const spans = elements.map(([x, p]) => tuple(`${x} . ${p}`));
          const key = [parseIPv4(a), port];
          const hit = new KeyLookup(spans).get(key);
          assert.equal(
            hit !== undefined,
            spans.some((s) => s.some((x) => covers(x, key))),
          );
        },
      ),
    );
  });

  it('is built once per set and rebuilt when the elements change', () => {
    const rs = parseNftRuleset(
      'table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 10.0.0.1, 10.0.0.2 }\n\t}\n}\n',
    );
    const set = rs.tables[0]?.sets[0];
    assert.ok(set);
    const first = namedSetLookup(set, ipv4Spans);
    assert.equal(namedSetLookup(set, ipv4Spans), first);
    set.elements = [...set.elements, { key: '10.0.0.3', value: '' }];
    const second = namedSetLookup(set, ipv4Spans);
    assert.notEqual(second, first);
    assert.notEqual(second.get(parseIPv4('10.0.0.3')), undefined);
  });

  it('refuses element counters by name (the twin does not keep them)', () => {
    assert.throws(
      () =>
        namedSetLookup(
          {
            kind: 'set',
            name: 's',
            declaration: [],
            keyType: 'ipv4_addr',
            elements: [{ key: '10.0.0.1 counter packets 0 bytes 0', value: '' }],
          },
          ipv4Spans,
        ),
      /element counters/,
    );
  });
});

describe('sets and maps in a walk', () => {
  const routing = new RoutingTable(testHost('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'));
  const walk = (text: string, saddr: string, dport: number, inDev = 'eth0') => {
    const rs = parseNftRuleset(text);
    const table = rs.tables[0];
    const chain = table?.chains.find((c) => c.base);
    assert.ok(table && chain);
    const p = newPacket({
      protocol: 'tcp',
      saddr: parseIPv4(saddr),
      daddr: parseIPv4('192.168.70.6'),
      sport: 40000,
      dport,
      length: 60,
      inDev,
    });
    return walkNftBaseChain({ env: { hook: 'input', routing } }, table, chain, p).kind;
  };

  it('a concatenated set `ip saddr . tcp dport @allowed` decides by both parts', () => {
    const text = `table inet f {
\tset allowed {
\t\ttype ipv4_addr . inet_service
\t\telements = { 10.0.0.1 . 22,
\t\t\t     10.0.0.2 . 443 }
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tip saddr . tcp dport @allowed accept
\t}
}
`;
    assert.equal(walk(text, '10.0.0.1', 22), 'accept');
    assert.equal(walk(text, '10.0.0.1', 443), 'drop');
    assert.equal(walk(text, '10.0.0.2', 443), 'accept');
  });

  it('an interval set of 5,000 prefixes and a verdict map keyed by interface', () => {
    const prefixes = Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const text = `table ip f {
\tset denied {
\t\ttype ipv4_addr
\t\tflags interval
\t\telements = { ${prefixes.join(', ')} }
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy accept;
\t\tip saddr @denied drop
\t\tiifname vmap { "eth0" : accept, "br-*" : drop }
\t}
}
`;
    assert.equal(walk(text, '10.19.135.77', 80), 'drop');
    assert.equal(walk(text, '10.20.0.1', 80), 'accept');
    assert.equal(walk(text, '172.16.0.1', 80, 'br-x'), 'drop');
  });
});
