import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';
import fc from 'fast-check';
import { ustarOneFile } from './compose-file.ts';

test('the archive is one file tar lists and extracts byte for byte', async () => {
  const content = Buffer.from('services:\n  web:\n    command: ["sh", "-c", "echo $$1"]\n', 'utf8');
  const archive = ustarOneFile('nettwin-compose-shop.yaml', content, 1_700_000_000);
  assert.equal(archive.length % 512, 0);
  const list = await execa('tar', ['-tvf', '-'], { input: archive });
  assert.match(list.stdout, /nettwin-compose-shop\.yaml$/);
  const out = await execa('tar', ['-xOf', '-'], {
    input: archive,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  assert.deepEqual(Buffer.from(out.stdout), content);
});

test('any content: header checksum right, content then zero padding to 512 and two zero blocks', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const content = Buffer.from(bytes);
      const archive = ustarOneFile('f.yaml', content);
      const header = archive.subarray(0, 512);
      const stored = Number.parseInt(header.subarray(148, 154).toString('ascii'), 8);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
      assert.equal(stored, sum);
      assert.equal(Number.parseInt(header.subarray(124, 135).toString('ascii'), 8), content.length);
      assert.deepEqual(archive.subarray(512, 512 + content.length), content);
      assert.ok(archive.subarray(512 + content.length).every((b) => b === 0));
      assert.ok(archive.length >= 512 + content.length + 1024);
    }),
  );
});

test('names that are not one plain file name are refused', () => {
  for (const name of ['../x', 'a/b', '', 'x'.repeat(100), 'a b'])
    assert.throws(() => ustarOneFile(name, Buffer.alloc(0)), /plain file name/);
});
