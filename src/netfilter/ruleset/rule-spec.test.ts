import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRuleSpec, parseRuleSpec, RuleSpecError } from './rule-spec.ts';
import { tokenize } from './tokenize.ts';

/** Canonical text of a command-line rule spec. */
const canon = (line: string) => formatRuleSpec(parseRuleSpec(tokenize(line).map((t) => t.value)));

describe('formatRuleSpec canonical text', () => {
  const cases: Array<[string, string]> = [
    ['-s 172.17.0.1/16 ! -o docker0 -j MASQUERADE', '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'],
    ['-d 127.0.0.11 -j DOCKER_OUTPUT', '-d 127.0.0.11/32 -j DOCKER_OUTPUT'],
    ['-s 0/0 -d 0.0.0.0/0 -j ACCEPT', '-j ACCEPT'],
    ['-s 10.1.2.3/255.255.0.0 -j ACCEPT', '-s 10.1.0.0/16 -j ACCEPT'],
    ['-p tcp --dport 80 -j ACCEPT', '-p tcp -m tcp --dport 80 -j ACCEPT'],
    ['-p udp --sport 1000:2000 -j ACCEPT', '-p udp -m udp --sport 1000:2000 -j ACCEPT'],
    ['-p tcp --dport 80 --sport 1 -j ACCEPT', '-p tcp -m tcp --sport 1 --dport 80 -j ACCEPT'],
    ['-p TCP --destination-port http -j ACCEPT', '-p tcp -m tcp --dport 80 -j ACCEPT'],
    ['-p 6 -j ACCEPT', '-p tcp -j ACCEPT'],
    ['-p all -j ACCEPT', '-j ACCEPT'],
    // order: -s -d -i -o -p whatever the command said
    [
      '-j DNAT -p tcp ! -i test_net --dport 8080 --to-destination 172.18.0.66:80',
      '! -i test_net -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.66:80',
    ],
    [
      '-o test_net -p tcp -d 172.18.0.66 ! -i test_net --dport 80 -j ACCEPT',
      '-d 172.18.0.66/32 ! -i test_net -o test_net -p tcp -m tcp --dport 80 -j ACCEPT',
    ],
    // old-style negation after the flag
    [
      '-d ! 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
      '! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    ],
    ['-p tcp --dport ! 22 -j DROP', '-p tcp -m tcp ! --dport 22 -j DROP'],
    // long forms
    [
      '--source 10.0.0.0/8 --destination 10.1.0.0/16 --in-interface eth0 --out-interface docker0 --protocol udp --jump ACCEPT',
      '-s 10.0.0.0/8 -d 10.1.0.0/16 -i eth0 -o docker0 -p udp -j ACCEPT',
    ],
    [
      '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ],
    // Measured (iptables 1.8.9, nft and legacy): states print in libxt_state's order, not as typed.
    ['-m state --state ESTABLISHED,RELATED -j ACCEPT', '-m state --state RELATED,ESTABLISHED -j ACCEPT'],
    [
      '-s 127.0.0.11/32 -p udp -m udp --sport 42499 -j SNAT --to-source :53',
      '-s 127.0.0.11/32 -p udp -m udp --sport 42499 -j SNAT --to-source :53',
    ],
    ['-m comment --comment "foo bar" -j ACCEPT', '-m comment --comment "foo bar" -j ACCEPT'],
    ['-m comment --comment foo -j ACCEPT', '-m comment --comment foo -j ACCEPT'],
    ['-j LOG --log-prefix "x: "', '-j LOG --log-prefix "x: "'],
    ['-j LOG --log-prefix \'say "hi"\'', '-j LOG --log-prefix "say \\"hi\\""'],
    ['-p tcp -j REJECT', '-p tcp -j REJECT --reject-with icmp-port-unreachable'],
    ['-p tcp --syn -j DROP', '-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP'],
    ['-p icmp --icmp-type echo-request -j ACCEPT', '-p icmp -m icmp --icmp-type 8 -j ACCEPT'],
    ['-m set --match-set allow src -j ACCEPT', '-m set --match-set allow src -j ACCEPT'],
    [
      '-m addrtype --dst-type LOCAL --limit-iface-in -j DOCKER',
      '-m addrtype --dst-type LOCAL --limit-iface-in -j DOCKER',
    ],
    ['-p tcp -m multiport --dports 80,443 -j ACCEPT', '-p tcp -m multiport --dports 80,443 -j ACCEPT'],
    ['-j DNAT --to 10.0.0.1:80', '-j DNAT --to-destination 10.0.0.1:80'],
    ['-p tcp --dport=80 -j ACCEPT', '-p tcp -m tcp --dport 80 -j ACCEPT'],
    ['-g DOCKER', '-g DOCKER'],
    ['! -f -j ACCEPT', '! -f -j ACCEPT'],
    ['-i eth+ -j ACCEPT', '-i eth+ -j ACCEPT'],
    [
      '-m conntrack --ctstate NEW -p tcp --dport 22 -j ACCEPT',
      '-p tcp -m conntrack --ctstate NEW -m tcp --dport 22 -j ACCEPT',
    ],
    ['-j ACCEPT -m comment --comment late', '-m comment --comment late -j ACCEPT'],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${input || '(empty)'} → ${expected || '(empty)'}`, () => {
      assert.equal(canon(input), expected);
      // parse(format(x)) = x
      const spec = parseRuleSpec(tokenize(input).map((t) => t.value));
      assert.deepEqual(parseRuleSpec(tokenize(formatRuleSpec(spec)).map((t) => t.value)), spec);
    });
  }
});

describe('parseRuleSpec structure', () => {
  it('splits options by the registry arity', () => {
    const spec = parseRuleSpec(['-m', 'set', '!', '--match-set', 'bad', 'src,dst', '-j', 'DROP']);
    assert.deepEqual(spec.matches, [
      { name: 'set', options: [{ name: 'match-set', invert: true, args: ['bad', 'src,dst'] }] },
    ]);
    assert.deepEqual(spec.target, { name: 'DROP', goto: false, options: [] });
  });
  it('keeps the inversion on header fields', () => {
    const spec = parseRuleSpec(['!', '-s', '10.0.0.1', '-j', 'X']);
    assert.deepEqual(spec.source, { invert: true, value: '10.0.0.1/32' });
    assert.deepEqual(spec.target, { name: 'X', goto: false, options: [] });
  });
});

describe('parseRuleSpec errors', () => {
  const bad: Array<[string[], string, RegExp]> = [
    [['-m', 'foo', '-j', 'ACCEPT'], 'unknown-match', /unknown match "foo"/],
    [['--foo', '-j', 'ACCEPT'], 'unknown-option', /unknown option "--foo"/],
    [['-p', 'tcp', '--dport'], 'missing-argument', /"--dport" requires an argument/],
    [['-s', 'example.com'], 'bad-value', /host\/network "example.com" not found/],
    [['-p', 'bogus'], 'bad-value', /unknown protocol "bogus"/],
    [['-s', '1.1.1.1', '-s', '2.2.2.2'], 'duplicate', /multiple -s flags/],
    [['-j', 'ACCEPT', '-j', 'DROP'], 'duplicate', /multiple -j flags/],
    [['!', '-m', 'tcp'], 'bad-invert', /"!" before -m/],
    [['-m', 'comment', '!', '--comment', 'x'], 'bad-invert', /cannot be inverted/],
    [['-s'], 'missing-argument', /requires an argument/],
    [['-j', 'ACCEPT', '!'], 'bad-invert', /must be followed/],
    [['-p', 'tcp', '--dport', 'nosuch'], 'bad-value', /invalid port\/service "nosuch"/],
  ];
  for (const [argv, kind, message] of bad) {
    it(`${argv.join(' ')} → ${kind}`, () => {
      assert.throws(
        () => parseRuleSpec(argv),
        (e: unknown) => e instanceof RuleSpecError && e.kind === kind && message.test(e.message),
      );
    });
  }
  it('names the offending token and its index', () => {
    try {
      parseRuleSpec(['-o', 'x', '-m', 'nosuch']);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof RuleSpecError);
      assert.equal(e.token, 'nosuch');
      assert.equal(e.index, 3);
    }
  });
});
