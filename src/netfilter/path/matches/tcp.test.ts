import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TCP_FLAGS } from '../packet.ts';
import { match, matchEnv, opt, packet } from '../test-support.ts';
import { multiportMatch } from './multiport.ts';
import { tcpMatch } from './tcp.ts';
import { udpMatch } from './udp.ts';

const env = matchEnv();
const tcp = (...options: ReturnType<typeof opt>[]) =>
  tcpMatch.compile(match('tcp', ...options), { matches: [] });

describe('tcp / udp / multiport matches', () => {
  it('--dport and --sport with ranges and !', () => {
    const p = packet({ sport: 40000, dport: 8080 });
    assert.equal(tcp(opt('dport', ['8080']))(p, env), true);
    assert.equal(tcp(opt('dport', ['80']))(p, env), false);
    assert.equal(tcp(opt('dport', ['8000:8100']))(p, env), true);
    assert.equal(tcp(opt('dport', [':1024']))(p, env), false);
    assert.equal(tcp(opt('sport', ['32768:']))(p, env), true);
    assert.equal(tcp(opt('dport', ['8080'], true))(p, env), false);
  });
  it('--syn and --tcp-flags read the flag bits', () => {
    const syn = packet({ tcpFlags: TCP_FLAGS.SYN });
    const synAck = packet({ tcpFlags: TCP_FLAGS.SYN | TCP_FLAGS.ACK });
    assert.equal(tcp(opt('syn'))(syn, env), true);
    assert.equal(tcp(opt('syn'))(synAck, env), false);
    assert.equal(tcp(opt('syn', [], true))(synAck, env), true);
    assert.equal(tcp(opt('tcp-flags', ['SYN,ACK', 'SYN,ACK']))(synAck, env), true);
    assert.equal(tcp(opt('tcp-flags', ['ALL', 'SYN']))(synAck, env), false);
  });
  it('does not match another protocol, and refuses unknown options and bad ports', () => {
    assert.equal(tcp(opt('dport', ['80']))(packet({ protocol: 'udp', dport: 80 }), env), false);
    const udp = udpMatch.compile(match('udp', opt('dport', ['53'])), { matches: [] });
    assert.equal(udp(packet({ protocol: 'udp', dport: 53 }), env), true);
    assert.throws(() => tcp(opt('tcp-option', ['2'])), /unsupported option --tcp-option/);
    assert.throws(() => tcp(opt('dport', ['http'])), /not a port number/);
    assert.throws(() => tcp(opt('dport', ['90:80'])), /reversed/);
  });
  it('multiport --dports / --sports / --ports', () => {
    const m = (o: ReturnType<typeof opt>) => multiportMatch.compile(match('multiport', o), { matches: [] });
    const p = packet({ sport: 40000, dport: 443 });
    assert.equal(m(opt('dports', ['80,443,8000:8100']))(p, env), true);
    assert.equal(m(opt('dports', ['80,8080']))(p, env), false);
    assert.equal(m(opt('sports', ['80,443']))(p, env), false);
    assert.equal(m(opt('ports', ['40000']))(p, env), true);
    assert.equal(m(opt('dports', ['443'], true))(p, env), false);
  });
});
