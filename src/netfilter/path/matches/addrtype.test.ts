import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { match, matchEnv, opt, packet } from '../test-support.ts';
import { addrtypeMatch } from './addrtype.ts';

const env = matchEnv({ hook: 'PREROUTING' });
const addrtype = (...options: ReturnType<typeof opt>[]) =>
  addrtypeMatch.compile(match('addrtype', ...options), { matches: [] });

describe('addrtype match', () => {
  it('LOCAL is any address of the host, 127/8 included', () => {
    const local = addrtype(opt('dst-type', ['LOCAL']));
    assert.equal(local(packet({ dst: '192.168.70.6' }), env), true);
    assert.equal(local(packet({ dst: '172.17.0.1' }), env), true);
    assert.equal(local(packet({ dst: '127.0.0.5' }), env), true);
    assert.equal(local(packet({ dst: '172.17.0.2' }), env), false);
    assert.equal(addrtype(opt('dst-type', ['LOCAL'], true))(packet({ dst: '172.17.0.2' }), env), true);
  });
  it('--limit-iface-in restricts LOCAL to the incoming interface', () => {
    const local = addrtype(opt('dst-type', ['LOCAL']), opt('limit-iface-in'));
    assert.equal(local(packet({ dst: '172.17.0.1', inDev: 'docker0' }), env), true);
    assert.equal(local(packet({ dst: '192.168.70.6', inDev: 'docker0' }), env), false);
  });
  it('BROADCAST, MULTICAST, UNICAST and a list of types', () => {
    assert.equal(addrtype(opt('dst-type', ['BROADCAST']))(packet({ dst: '172.17.255.255' }), env), true);
    assert.equal(addrtype(opt('dst-type', ['MULTICAST']))(packet({ dst: '224.0.0.251' }), env), true);
    assert.equal(addrtype(opt('src-type', ['UNICAST']))(packet({ src: '8.8.8.8' }), env), true);
    assert.equal(addrtype(opt('dst-type', ['BROADCAST,LOCAL']))(packet({ dst: '172.30.0.1' }), env), true);
    assert.throws(() => addrtype(opt('dst-type', ['LOCALE'])), /unknown address type "LOCALE"/);
  });
});
