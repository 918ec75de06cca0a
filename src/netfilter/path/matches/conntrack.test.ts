import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIPv4 } from '../../address/index.ts';
import { ConntrackTable } from '../conntrack.ts';
import { match, matchEnv, opt, packet } from '../test-support.ts';
import { conntrackMatch } from './conntrack.ts';
import { stateMatch } from './state.ts';

const env = matchEnv();
const ctstate = (text: string, invert = false) =>
  conntrackMatch.compile(match('conntrack', opt('ctstate', [text], invert)), { matches: [] });

describe('conntrack / state matches', () => {
  const table = new ConntrackTable();
  it('a first packet is NEW; after a reply is seen the flow is ESTABLISHED', () => {
    const p = packet({});
    p.ct = table.create(p);
    assert.equal(ctstate('NEW')(p, env), true);
    assert.equal(ctstate('RELATED,ESTABLISHED')(p, env), false);
    assert.equal(ctstate('NEW', true)(p, env), false);
    p.ct.seenReply = true;
    assert.equal(ctstate('RELATED,ESTABLISHED')(p, env), true);
    const reply = packet({});
    reply.ct = p.ct;
    reply.ctDir = 'reply';
    assert.equal(ctstate('ESTABLISHED')(reply, env), true);
  });
  it('untracked, related and invalid packets', () => {
    const p = packet({});
    assert.equal(ctstate('INVALID')(p, env), true);
    p.notrack = true;
    assert.equal(ctstate('UNTRACKED')(p, env), true);
    const error = packet({ protocol: 'icmp' });
    error.relatedTo = table.create(packet({}));
    assert.equal(ctstate('RELATED')(error, env), true);
  });
  it('virtual DNAT state and --ctorigdst read the entry', () => {
    const p = packet({ dst: '192.168.70.6', dport: 8080 });
    p.ct = table.create(p);
    p.ct.reply.src = parseIPv4('172.18.0.66');
    p.ct.nat.dst = true;
    assert.equal(ctstate('DNAT')(p, env), true);
    assert.equal(ctstate('SNAT')(p, env), false);
    const origdst = conntrackMatch.compile(match('conntrack', opt('ctorigdst', ['192.168.70.6'])), {
      matches: [],
    });
    assert.equal(origdst(p, env), true);
    const repl = conntrackMatch.compile(match('conntrack', opt('ctreplsrc', ['172.18.0.0/16'])), {
      matches: [],
    });
    assert.equal(repl(p, env), true);
    const port = conntrackMatch.compile(match('conntrack', opt('ctorigdstport', ['8080'])), { matches: [] });
    assert.equal(port(p, env), true);
  });
  it('-m state is the same question; unknown states are errors', () => {
    const p = packet({});
    p.ct = table.create(p);
    assert.equal(stateMatch.compile(match('state', opt('state', ['NEW'])), { matches: [] })(p, env), true);
    assert.throws(() => ctstate('NEW,BOGUS'), /unknown value "BOGUS"/);
    assert.throws(
      () => stateMatch.compile(match('state', opt('state', ['DNAT'])), { matches: [] }),
      /unknown state "DNAT"/,
    );
  });
});
