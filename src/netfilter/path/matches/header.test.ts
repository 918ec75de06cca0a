import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleSpec } from '../../types.ts';
import { matchEnv, packet } from '../test-support.ts';
import { compileHeader } from './header.ts';

describe('header match (-s -d -i -o -p -f)', () => {
  const env = matchEnv();
  it('matches source and destination CIDRs, with !', () => {
    const p = packet({ src: '172.17.0.2', dst: '172.30.0.2' });
    assert.equal(
      compileHeader({ matches: [], source: { invert: false, value: '172.17.0.0/16' } })(p, env),
      true,
    );
    assert.equal(
      compileHeader({ matches: [], source: { invert: true, value: '172.17.0.0/16' } })(p, env),
      false,
    );
    assert.equal(
      compileHeader({ matches: [], destination: { invert: false, value: '172.30.0.3/32' } })(p, env),
      false,
    );
    assert.equal(
      compileHeader({ matches: [], destination: { invert: true, value: '127.0.0.0/8' } })(p, env),
      true,
    );
  });
  it('compares interfaces by name, "+" as a prefix wildcard, "" where the hook has none', () => {
    // The live matcher (compileHeader), as a rule's -i/-o reaches it.
    const iface = (dir: 'inInterface' | 'outInterface', text: string, dev: string) => {
      const invert = text.startsWith('! ');
      const spec: RuleSpec = { matches: [], [dir]: { invert, value: invert ? text.slice(2) : text } };
      const p = packet(dir === 'inInterface' ? { inDev: dev } : { outDev: dev });
      return compileHeader(spec)(p, env);
    };
    assert.equal(iface('inInterface', 'br-+', 'br-1234abcd5678'), true);
    assert.equal(iface('inInterface', 'br-+', 'br-'), true);
    assert.equal(iface('inInterface', 'br-+', 'docker0'), false);
    assert.equal(iface('inInterface', 'br-+', 'xbr-1'), false);
    assert.equal(iface('inInterface', 'br-+', ''), false);
    assert.equal(iface('inInterface', '! br-+', 'br-1234'), false);
    assert.equal(iface('inInterface', '! br-+', 'docker0'), true);
    assert.equal(iface('outInterface', '! veth+', 'veth1a2b3c'), false);
    assert.equal(iface('outInterface', '! veth+', 'docker0'), true);
    assert.equal(iface('outInterface', 'veth+', 'veth1a2b3c'), true);
    // A bare "+" is every interface, even none (OUTPUT's empty in-interface): the kernel
    // compares a zero-length mask.
    for (const dev of ['eth0', 'docker0', 'br-+', '']) {
      assert.equal(iface('inInterface', '+', dev), true, `-i + against "${dev}"`);
      assert.equal(iface('outInterface', '! +', dev), false, `! -o + against "${dev}"`);
    }
    // Without "+" the name is exact: neither a prefix nor a literal "+" suffix.
    assert.equal(iface('inInterface', 'br-', 'br-1234'), false);
    assert.equal(iface('inInterface', 'docker0', 'docker0'), true);
    assert.equal(iface('inInterface', 'docker', 'docker0'), false);
    const out = packet({ inDev: '', outDev: 'docker0' });
    // OUTPUT has no in-interface: `-i X` fails and `! -i X` holds (e3: nat OUTPUT DNAT).
    assert.equal(
      compileHeader({ matches: [], inInterface: { invert: false, value: 'test_net' } })(out, env),
      false,
    );
    assert.equal(
      compileHeader({ matches: [], inInterface: { invert: true, value: 'test_net' } })(out, env),
      true,
    );
    assert.equal(
      compileHeader({ matches: [], outInterface: { invert: true, value: 'docker0' } })(out, env),
      false,
    );
  });
  it('matches protocols by name or number; all matches everything', () => {
    const udp = packet({ protocol: 'udp' });
    assert.equal(compileHeader({ matches: [], protocol: { invert: false, value: 'udp' } })(udp, env), true);
    assert.equal(compileHeader({ matches: [], protocol: { invert: false, value: '17' } })(udp, env), true);
    assert.equal(compileHeader({ matches: [], protocol: { invert: true, value: 'udp' } })(udp, env), false);
    assert.equal(compileHeader({ matches: [], protocol: { invert: false, value: 'all' } })(udp, env), true);
    assert.throws(
      () => compileHeader({ matches: [], protocol: { invert: false, value: 'bogus' } }),
      /unknown protocol "bogus"/,
    );
  });
  it('never sees fragments: -f fails, ! -f holds', () => {
    const p = packet({});
    assert.equal(compileHeader({ matches: [], fragment: { invert: false, value: true } })(p, env), false);
    assert.equal(compileHeader({ matches: [], fragment: { invert: true, value: true } })(p, env), true);
  });
});
