import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConntrackTable } from '../conntrack.ts';
import { match, matchEnv, opt, packet } from '../test-support.ts';
import { commentMatch } from './comment.ts';

import { icmpMatch } from './icmp.ts';
import { iprangeMatch } from './iprange.ts';
import { limitMatch } from './limit.ts';
import { connmarkMatch, markMatch } from './mark.ts';
import { physdevMatch } from './physdev.ts';
import { pkttypeMatch } from './pkttype.ts';
import { setMatch } from './set.ts';

const none = { matches: [] };

describe('icmp, comment, mark, connmark and set matches', () => {
  const env = matchEnv({ ipsets: { blocked: ['10.0.0.0/8', '172.17.0.3'], svc: ['172.30.0.2,tcp:80'] } });
  it('icmp --icmp-type by name and number', () => {
    const request = packet({ protocol: 'icmp', icmpType: 8 });
    assert.equal(
      icmpMatch.compile(match('icmp', opt('icmp-type', ['echo-request'])), none)(request, env),
      true,
    );
    assert.equal(icmpMatch.compile(match('icmp', opt('icmp-type', ['0'])), none)(request, env), false);
    assert.equal(icmpMatch.compile(match('icmp', opt('icmp-type', ['8/0'])), none)(request, env), true);
    assert.equal(icmpMatch.compile(match('icmp', opt('icmp-type', ['8'], true)), none)(request, env), false);
    assert.throws(
      () => icmpMatch.compile(match('icmp', opt('icmp-type', ['ping'])), none),
      /unknown type "ping"/,
    );
  });
  it('comment always matches', () => {
    assert.equal(
      commentMatch.compile(match('comment', opt('comment', ['any text'])), none)(packet({}), env),
      true,
    );
  });
  it('mark and connmark compare value/mask', () => {
    const p = packet({});
    p.mark = 0x12;
    assert.equal(markMatch.compile(match('mark', opt('mark', ['0x12'])), none)(p, env), true);
    assert.equal(markMatch.compile(match('mark', opt('mark', ['0x2/0xf'])), none)(p, env), true);
    assert.equal(markMatch.compile(match('mark', opt('mark', ['0x1'])), none)(p, env), false);
    p.ct = new ConntrackTable().create(p);
    p.ct.mark = 7;
    assert.equal(connmarkMatch.compile(match('connmark', opt('mark', ['7'])), none)(p, env), true);
  });
  it('set --match-set reads HostState.ipsets by src/dst', () => {
    const src = setMatch.compile(match('set', opt('match-set', ['blocked', 'src'])), none);
    assert.equal(src(packet({ src: '10.1.2.3' }), env), true);
    assert.equal(src(packet({ src: '172.17.0.2' }), env), false);
    assert.equal(src(packet({ src: '172.17.0.3' }), env), true);
    const svc = setMatch.compile(match('set', opt('match-set', ['svc', 'dst,dst'])), none);
    assert.equal(svc(packet({ dst: '172.30.0.2', dport: 80 }), env), true);
    assert.equal(svc(packet({ dst: '172.30.0.2', dport: 81 }), env), false);
    const inverted = setMatch.compile(match('set', opt('match-set', ['blocked', 'src'], true)), none);
    assert.equal(inverted(packet({ src: '172.17.0.2' }), env), true);
    const missing = setMatch.compile(match('set', opt('match-set', ['nope', 'src'])), none);
    assert.throws(() => missing(packet({}), env), /ipset "nope" is not defined/);
  });
  it('iprange, pkttype, limit and physdev', () => {
    const range = iprangeMatch.compile(match('iprange', opt('src-range', ['172.17.0.2-172.17.0.9'])), none);
    assert.equal(range(packet({ src: '172.17.0.5' }), env), true);
    assert.equal(range(packet({ src: '172.17.0.10' }), env), false);
    const bcast = pkttypeMatch.compile(match('pkttype', opt('pkt-type', ['broadcast'])), none);
    assert.equal(bcast(packet({ dst: '172.17.255.255' }), env), true);
    assert.equal(bcast(packet({ dst: '172.17.0.3' }), env), false);
    assert.equal(
      limitMatch.compile(match('limit', opt('limit', ['5/min']), opt('limit-burst', ['10'])), none)(
        packet({}),
        env,
      ),
      true,
    );
    assert.throws(() => limitMatch.compile(match('limit', opt('limit', ['fast'])), none), /bad value "fast"/);
    const bridged = physdevMatch.compile(match('physdev', opt('physdev-is-bridged')), none);
    const p = packet({});
    assert.equal(bridged(p, env), false);
    p.bridged = true;
    assert.equal(bridged(p, env), true);
    assert.throws(
      () => physdevMatch.compile(match('physdev', opt('physdev-in', ['veth1'])), none),
      /not modelled/,
    );
  });
});
