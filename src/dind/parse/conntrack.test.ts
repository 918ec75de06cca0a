import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastNetcatPeer, parseConntrack, seenSourceFor } from './conntrack.ts';

const LIST = `icmp     1 25 src=172.17.0.2 dst=192.168.70.10 type=8 code=0 id=7 src=192.168.70.10 dst=192.168.70.6 type=0 code=0 id=7 mark=0 use=1
tcp      6 116 TIME_WAIT src=192.168.70.10 dst=192.168.70.6 sport=40000 dport=8080 src=172.18.0.66 dst=192.168.70.10 sport=80 dport=40000 [ASSURED] mark=0 use=1
icmp     1 29 src=172.17.0.2 dst=172.17.0.3 type=8 code=0 id=9 src=172.17.0.3 dst=172.17.0.2 type=0 code=0 id=9 mark=0 use=1
icmp     1 12 src=172.17.0.4 dst=172.17.0.3 type=8 code=0 id=3 src=172.17.0.3 dst=172.17.0.4 type=0 code=0 id=3 mark=0 use=1`;

test('the external client saw the masqueraded host address', () => {
  const entries = parseConntrack(LIST);
  assert.equal(entries.length, 4);
  assert.equal(seenSourceFor(entries, '192.168.70.10'), '192.168.70.6');
});

test('the most recent ICMP flow wins; a DNATed tcp receiver sees the original client', () => {
  const entries = parseConntrack(LIST);
  assert.equal(seenSourceFor(entries, '172.17.0.3'), '172.17.0.2');
  assert.equal(seenSourceFor(entries, '172.18.0.66'), '192.168.70.10');
  assert.equal(seenSourceFor(entries, '10.0.0.1'), undefined);
});

test('netcat -v log: the last peer', () => {
  const log =
    'Listening on 0.0.0.0 9000\nConnection received on 172.17.0.3 47720\nConnection received on 172.17.0.1 47730\n';
  assert.equal(lastNetcatPeer(log), '172.17.0.1');
  assert.equal(lastNetcatPeer('Listening on 0.0.0.0 9000\n'), undefined);
});

test('a receiver with an address of each family: the IPv6 entry answers too', () => {
  const v4 =
    'tcp      6 431999 ESTABLISHED src=192.168.70.9 dst=192.168.70.6 sport=40000 dport=8080 src=172.30.0.2 dst=192.168.70.9 sport=80 dport=40000 [ASSURED] mark=0 use=1';
  const v6 =
    'tcp      6 119 TIME_WAIT src=fd70::9 dst=fd70::6 sport=40001 dport=8080 src=fd00:1::2 dst=fd70::9 sport=80 dport=40001 [ASSURED] mark=0 use=1';
  const entries = parseConntrack(`${v4}\n${v6}`);
  assert.equal(
    seenSourceFor(entries, ['172.30.0.2', 'fd00:1::2']),
    '192.168.70.9',
    'the longer timeout wins',
  );
  assert.equal(seenSourceFor(parseConntrack(v6), ['172.30.0.2', 'fd00:1::2']), 'fd70::9');
  assert.equal(seenSourceFor(parseConntrack(v6), '172.30.0.2'), undefined);
});

test('an ICMPv6 echo ranks as ICMP: the NAT66 ping beats an older TCP entry of the same receiver', () => {
  // `conntrack -L -f ipv6` after a NAT66 ping to fd70::9, beside an older IPv4 request to .9.
  const list = `tcp      6 431990 ESTABLISHED src=172.30.0.2 dst=192.168.70.9 sport=41000 dport=80 src=192.168.70.9 dst=192.168.70.6 sport=80 dport=41000 [ASSURED] mark=0 use=1
icmpv6   58 2 src=fd00:1::2 dst=fd70::9 type=128 code=0 id=11 src=fd70::9 dst=fd70::6 type=129 code=0 id=11 mark=0 use=1`;
  const entries = parseConntrack(list);
  assert.equal(entries[1]?.protocol, 'icmpv6');
  assert.equal(seenSourceFor(entries, ['192.168.70.9', 'fd70::9']), 'fd70::6');
});
