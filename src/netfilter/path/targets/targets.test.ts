import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIPv4 } from '../../address/index.ts';
import type { TargetSpec } from '../../types.ts';
import { RoutingTable } from '../routing.ts';
import { packet, testHost } from '../test-support.ts';
import { TARGETS } from './registry.ts';
import type { TargetEnv, TargetVerdict } from './target.ts';

const env: TargetEnv = { hook: 'POSTROUTING', table: 'nat', routing: new RoutingTable(testHost('')) };
const target = (name: string, options: Array<[string, string[]]> = []): TargetSpec => ({
  name,
  goto: false,
  options: options.map(([n, args]) => ({ name: n, invert: false, args })),
});
const run = (
  spec: TargetSpec,
  p = packet({ outDev: 'br-web', inDev: 'docker0' }),
  e = env,
): TargetVerdict => {
  const module = TARGETS.get(spec.name);
  assert.ok(module, spec.name);
  return module.compile(spec)(p, e);
};

describe('targets', () => {
  it('DNAT / SNAT parse [ip][:port]', () => {
    assert.deepEqual(run(target('DNAT', [['to-destination', ['172.18.0.66:80']]])), {
      kind: 'nat',
      manip: 'dst',
      address: 0xac120042,
      port: 80,
      target: 'DNAT to 172.18.0.66:80',
    });
    const snat = run(target('SNAT', [['to-source', [':53']]]));
    assert.equal(snat.kind === 'nat' && snat.address, undefined);
    assert.equal(snat.kind === 'nat' && snat.port, 53);
    assert.throws(() => run(target('DNAT', [['to-destination', ['nonsense']]])), /not \[ip\[-ip\]\]\[:port/);
    assert.throws(() => run(target('DNAT')), /needs --to-destination/);
  });
  it('MASQUERADE takes the address of the outgoing interface', () => {
    const v = run(target('MASQUERADE'));
    assert.equal(v.kind === 'nat' ? formatIPv4((v.address ?? 0) as number) : v.kind, '172.30.0.1');
  });
  it('REDIRECT goes to the incoming interface, or 127.0.0.1 from OUTPUT', () => {
    const pre = run(target('REDIRECT', [['to-ports', ['3128']]]), undefined, { ...env, hook: 'PREROUTING' });
    assert.equal(
      pre.kind === 'nat' ? `${formatIPv4((pre.address ?? 0) as number)}:${pre.port}` : pre.kind,
      '172.17.0.1:3128',
    );
    const out = run(target('REDIRECT'), undefined, { ...env, hook: 'OUTPUT' });
    assert.equal(out.kind === 'nat' ? formatIPv4((out.address ?? 0) as number) : out.kind, '127.0.0.1');
  });
  it('REJECT defaults to port-unreachable and knows the aliases', () => {
    assert.deepEqual(run(target('REJECT')), { kind: 'reject', with: 'icmp-port-unreachable' });
    assert.deepEqual(run(target('REJECT', [['reject-with', ['tcp-reset']]])), {
      kind: 'reject',
      with: 'tcp-reset',
    });
    assert.deepEqual(run(target('REJECT', [['reject-with', ['host-prohib']]])), {
      kind: 'reject',
      with: 'icmp-host-prohibited',
    });
    assert.throws(
      () => run(target('REJECT', [['reject-with', ['icmp-bogus']]])),
      /unknown type "icmp-bogus"/,
    );
  });
  it('MARK / CONNMARK set marks and continue; LOG continues; options are checked', () => {
    const p = packet({});
    p.mark = 0xf0;
    assert.deepEqual(run(target('MARK', [['set-xmark', ['0x2/0xf']]]), p), { kind: 'continue' });
    assert.equal(p.mark, 0xf2);
    assert.deepEqual(run(target('MARK', [['or-mark', ['0x100']]]), p), { kind: 'continue' });
    assert.equal(p.mark, 0x1f2);
    assert.deepEqual(run(target('LOG', [['log-prefix', ['x: ']]])), { kind: 'continue' });
    assert.throws(() => run(target('ACCEPT', [['bogus', []]])), /unsupported option --bogus/);
    assert.throws(() => run(target('CT', [['zone', ['1']]])), /only --notrack/);
  });
});
