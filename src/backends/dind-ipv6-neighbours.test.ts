import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { neighbourArgs, parseEndpoints } from './dind-ipv6-neighbours.ts';

test('parseEndpoints keeps the named network’s IPv6 endpoint of each container line', () => {
  const out = [
    '4242 n6a=fd00:1::2=02:42:ac:1e:00:02 other=fd00:9::2=02:42:ac:1e:00:09 ',
    '4343 n6a=fd00:1::3=02:42:ac:1e:00:03 ',
    '0 n6a=fd00:1::4=02:42:ac:1e:00:04 ',
    '4444 n6a==02:42:ac:1e:00:05 ',
  ].join('\n');
  assert.deepEqual(parseEndpoints(out, 'n6a'), [
    { pid: 4242, address: 'fd00:1::2', mac: '02:42:ac:1e:00:02' },
    { pid: 4343, address: 'fd00:1::3', mac: '02:42:ac:1e:00:03' },
    { pid: 0, address: 'fd00:1::4', mac: '02:42:ac:1e:00:04' },
  ]);
});

test('parseEndpoints never passes on text that is not an IPv6 address and a MAC', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (address, mac) => {
      for (const e of parseEndpoints(`1 n=${address}=${mac} `, 'n')) {
        assert.match(e.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        assert.ok(!/[\s;|&$`'"]/.test(e.address), e.address);
      }
    }),
  );
});

test('neighbourArgs pairs address and MAC', () => {
  assert.deepEqual(neighbourArgs([{ address: 'fd00:1::1', mac: '02:42:00:00:00:01' }]), [
    'fd00:1::1',
    '02:42:00:00:00:01',
  ]);
});
