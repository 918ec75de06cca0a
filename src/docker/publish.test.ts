import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type PublishPieces, splitPublish } from './publish.ts';

/** docker's grammar, written out: [IP:][HOSTPORT:]CONTAINERPORT[/PROTO], IPv6 in brackets. */
function written(p: PublishPieces): string {
  const ip = p.hostIp === undefined ? '' : p.bracketed ? `[${p.hostIp}]:` : `${p.hostIp}:`;
  const host = p.hostPort === undefined ? '' : `${p.hostPort}:`;
  return `${ip}${host}${p.containerPort}${p.protocol === undefined ? '' : `/${p.protocol}`}`;
}

const port = fc.oneof(fc.integer({ min: 1, max: 65535 }).map(String), fc.constant('8000-8002'));
const protocol = fc.option(fc.constantFrom('tcp', 'udp', 'sctp'), { nil: undefined });

test('splitPublish reads back every spec written in docker grammar, IPv6 host addresses in brackets', () => {
  const pieces: fc.Arbitrary<PublishPieces> = fc.oneof(
    fc.record({ bracketed: fc.constant(false), containerPort: port, protocol }),
    fc.record({ bracketed: fc.constant(false), hostPort: port, containerPort: port, protocol }),
    fc.record({
      hostIp: fc.ipV4(),
      bracketed: fc.constant(false),
      hostPort: fc.oneof(fc.constant(''), port),
      containerPort: port,
      protocol,
    }),
    fc.record({
      hostIp: fc.ipV6(),
      bracketed: fc.constant(true),
      hostPort: fc.oneof(fc.constant(''), port),
      containerPort: port,
      protocol,
    }),
  );
  fc.assert(
    fc.property(pieces, (p) => {
      const clean = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
      assert.deepEqual(splitPublish(written(p)), clean);
    }),
  );
});

test('splitPublish on any text: what it reads, written back, is that text; an unbracketed IPv6 address is no reading', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[\d:.[\]/a-f-]{0,20}$/), (text) => {
      const pieces = splitPublish(text);
      if (pieces) assert.equal(written(pieces), text);
    }),
  );
  for (const refused of ['::8080:80', '1:2:3:4', '[::]:80', '[::]:1:2:3', '80/tcp/x', 'fd00::1:8080:80'])
    assert.equal(splitPublish(refused), undefined, refused);
});
