import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Envelope } from '@cucumber/messages';
import fc from 'fast-check';
import { cutTemplate, type HtmlPageAssets, htmlFormatterAssets, htmlPage } from './html-page.ts';

/** The page cucumber's own stream writes for `envelopes` (the oracle). */
async function streamPage(envelopes: readonly Envelope[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(envelopes),
    new CucumberHtmlStream(),
    new Writable({
      write(chunk: string | Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
}

function writtenPage(envelopes: readonly Envelope[], assets?: HtmlPageAssets): Buffer {
  const chunks: Buffer[] = [];
  const page = htmlPage((chunk) => chunks.push(Buffer.from(chunk)), assets);
  for (const envelope of envelopes) page.message(envelope);
  page.end();
  return Buffer.concat(chunks);
}

/** Messages of the kinds a run sends, with text that needs escaping inside <script>. */
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const envelope: fc.Arbitrary<Envelope> = fc.oneof(
  text.map(
    (body) => ({ attachment: { body, contentEncoding: 'IDENTITY', mediaType: 'text/plain' } }) as Envelope,
  ),
  fc
    .record({ name: text, uri: text })
    .map(
      ({ name, uri }) =>
        ({ gherkinDocument: { uri, comments: [], feature: { name } } }) as unknown as Envelope,
    ),
  fc.constant({ testRunStarted: { timestamp: { seconds: 1, nanos: 2 } } } as Envelope),
  fc
    .string({ maxLength: 20 })
    .map((s) => ({ undefinedParameterType: { name: `${s}</script>`, expression: s } })),
);

test('the page equals, byte for byte, what cucumber’s CucumberHtmlStream writes for the same messages', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(envelope, { maxLength: 12 }), async (envelopes) => {
      assert.ok(writtenPage(envelopes).equals(await streamPage(envelopes)));
    }),
    { numRuns: 40 },
  );
});

test('a run with no message still gets a whole page, as the stream writes it', async () => {
  assert.ok(writtenPage([]).equals(await streamPage([])));
});

test('no `<` of a message reaches the page: a message cannot close the <script> element', () => {
  const page = writtenPage([
    {
      attachment: { body: '</script><b>', contentEncoding: 'IDENTITY', mediaType: 'text/plain' },
    } as Envelope,
  ]).toString();
  assert.ok(page.includes('\\x3C/script>\\x3Cb>'));
  assert.ok(!page.includes('</script><b>'));
});

test('a template without one of the placeholders, with one twice, or out of order is refused, naming the package', () => {
  const real = htmlFormatterAssets();
  assert.match(real.source, /^@cucumber\/html-formatter \d+\.\d+\.\d+/);
  assert.equal(cutTemplate(real.template, real.source).length, 8);
  for (const broken of [
    real.template.replace('{{messages}}', ''),
    real.template.replace('{{css}}', '{{css}}{{css}}'),
    real.template.replace('{{title}}', 'x').replace('{{icon}}', '{{icon}}{{title}}'),
  ]) {
    assert.throws(
      () => htmlPage(() => {}, { ...real, template: broken }),
      /@cucumber\/html-formatter \S+: its page template no longer holds \{\{\w+\}\} once/,
    );
  }
});
