import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { iptablesOf } from '../firewall-state.ts';
import { runIptables } from '../iptables/run.ts';
import { runFlow } from '../path/run-flow.ts';
import { NEIGHBOURS, testHost } from '../path/test-support.ts';
import { addToCounters, exactCounters, MAX_COUNTER, parseCounterValue } from './counters.ts';
import { RulesetParseError } from './errors.ts';
import { parseRuleset } from './parse.ts';
import { serializeRuleset } from './serialize.ts';

const u64 = fc.bigInt({ min: 0n, max: MAX_COUNTER });
/** Values near the edges matter most: 2^53±1, 2^64-1. */
const edgy = fc.oneof(
  u64,
  fc.constantFrom(0n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, MAX_COUNTER - 1n, MAX_COUNTER),
);

const dump = (policy: string, rule: string) =>
  `*filter\n:INPUT ACCEPT ${policy}\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${rule} -A INPUT -p icmp -j ACCEPT\nCOMMIT\n`;

describe('counters up to 2^64-1', () => {
  it('property: any [p:b] in [0, 2^64-1] round-trips through parse and serialize byte for byte', () => {
    fc.assert(
      fc.property(edgy, edgy, edgy, edgy, (p1, b1, p2, b2) => {
        const text = dump(`[${p1}:${b1}]`, `[${p2}:${b2}]`);
        assert.equal(serializeRuleset(parseRuleset(text), { counters: true }), text);
      }),
      { numRuns: 500 },
    );
  });

  it('2^64 and more are refused, naming the line and the limit', () => {
    for (const bad of ['[18446744073709551616:0]', '[0:18446744073709551616]', `[${'9'.repeat(400)}:1]`]) {
      assert.throws(
        () => parseRuleset(dump('[0:0]', bad), { file: 'big.txt' }),
        (e: unknown) =>
          e instanceof RulesetParseError &&
          e.line === 5 &&
          /^counters above 2\^64-1: .* on line 5 of big\.txt: .*at most 18446744073709551615/.test(
            e.message,
          ) &&
          e.message.length < 1000,
      );
    }
    assert.throws(
      () => parseRuleset(dump('[18446744073709551616:0]', '[0:0]')),
      /above 2\^64-1: .* on line 2 /,
    );
  });

  it('a flow adds exactly past 2^53, and a u64 counter wraps as the kernel does', () => {
    const start = 2n ** 53n + 1n;
    const host = testHost(
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [${start}:${MAX_COUNTER - 10n}]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n`,
      NEIGHBOURS,
    );
    runFlow(host, { protocol: 'icmp', from: '172.17.0.2', to: '172.30.0.2', count: 1 });
    // The policy drops the 84-byte echo request: the byte counter wraps past 2^64-1.
    assert.match(
      serializeRuleset(iptablesOf(host.firewall)),
      new RegExp(`:FORWARD DROP \\[${start + 1n}:73\\]`),
    );
  });

  it('addToCounters keeps the Number view and the exact value in step', () => {
    fc.assert(
      fc.property(edgy, edgy, fc.nat(1000), fc.nat(100_000), (p, b, dp, db) => {
        const c = exactCounters(p, b);
        addToCounters(c, dp, db);
        const wantP = (p + BigInt(dp)) & MAX_COUNTER;
        const wantB = (b + BigInt(db)) & MAX_COUNTER;
        assert.equal(c.exact?.packets ?? BigInt(c.packets), wantP);
        assert.equal(c.exact?.bytes ?? BigInt(c.bytes), wantB);
        assert.equal(c.packets, Number(wantP));
        assert.equal(c.bytes, Number(wantB));
      }),
    );
  });

  it('small counters stay plain numbers (no `exact` field to compare)', () => {
    assert.deepEqual(parseRuleset(dump('[1:2]', '[3:4]')).tables[0]?.chains[0]?.counters, {
      packets: 1,
      bytes: 2,
    });
    assert.equal(parseCounterValue('00018446744073709551615'), MAX_COUNTER);
    assert.equal(parseCounterValue('1e3'), undefined);
  });

  it('iptables -c saturates at 2^64-1 like strtoull; -S -v and -L -v -x print exact values', () => {
    const rs = parseRuleset(dump('[0:0]', '[0:0]'));
    runIptables(rs, ['-A', 'INPUT', '-c', '18446744073709551616', '9007199254740993', '-j', 'ACCEPT']);
    assert.match(
      serializeRuleset(rs, { counters: true }),
      /\[18446744073709551615:9007199254740993\] -A INPUT -j ACCEPT/,
    );
    assert.match(
      runIptables(rs, ['-S', 'INPUT', '-v']).stdout,
      /-A INPUT -c 18446744073709551615 9007199254740993 -j ACCEPT\n/,
    );
    const exact = runIptables(rs, ['-L', 'INPUT', '-v', '-x', '-n']).stdout;
    assert.match(exact, /18446744073709551615 9007199254740993 ACCEPT/);
    // Measured: xtables_print_num's rounding wraps in u64, so 2^64-1 prints as "0K".
    assert.match(runIptables(rs, ['-L', 'INPUT', '-v', '-n']).stdout, / {3}0K 9007T ACCEPT/);
  });
});
