/**
 * cucumber's HTML report page (reports/cucumber.html), written from @cucumber/html-formatter's
 * own template and reader app (index.mustache, main.css, main.js, icon.url) by a plain writer
 * instead of the package's CucumberHtmlStream.
 *
 * Why: the stream is an object-mode Transform that reads the 1 MB reader app back in 64 KB
 * chunks, decoded to text and encoded again on the way out, through a chain of callbacks
 * after the last scenario. Measured on a model run of `nettwin init`'s project (bench/cli.ts),
 * that cost about twice as much as writing the same bytes from buffers: a third of what
 * all three reports added to the run. The page is the same, byte for byte (html-page.test.ts
 * compares it with the stream's for generated message streams).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Envelope } from '@cucumber/messages';

/** The template's placeholders, in the order they appear in it. */
const PLACEHOLDERS = [
  '{{title}}',
  '{{icon}}',
  '{{css}}',
  '{{custom_css}}',
  '{{messages}}',
  '{{script}}',
  '{{custom_script}}',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** The package's page template and the files it inlines. */
export interface HtmlPageAssets {
  /** Who the assets come from, for errors ("@cucumber/html-formatter 23.1.0"). */
  source: string;
  template: string;
  /** Read when the page needs them, as bytes: never decoded. */
  read: (file: 'icon' | 'css' | 'script') => Buffer;
}

/** @cucumber/html-formatter's assets, where the package is installed. */
export function htmlFormatterAssets(): HtmlPageAssets {
  const manifest = createRequire(import.meta.url).resolve('@cucumber/html-formatter/package.json');
  const dist = path.join(path.dirname(manifest), 'dist');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const files = {
    icon: path.join(dist, 'src', 'icon.url'),
    css: path.join(dist, 'main.css'),
    script: path.join(dist, 'main.js'),
  };
  return {
    source: `@cucumber/html-formatter ${version}`,
    template: readFileSync(path.join(dist, 'src', 'index.mustache'), 'utf8'),
    read: (file) => readFileSync(files[file]),
  };
}

/**
 * The template cut at its placeholders: `pieces[i]` is the text before PLACEHOLDERS[i],
 * the last piece the text after the last one. A template that does not hold each
 * placeholder once, in order, is refused: the page would be wrong without a word said.
 */
export function cutTemplate(template: string, source: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const placeholder of PLACEHOLDERS) {
    const at = template.indexOf(placeholder, from);
    if (at < 0 || template.indexOf(placeholder, at + placeholder.length) >= 0) {
      throw new Error(
        `${source}: its page template no longer holds ${placeholder} once, after the placeholders before it; src/report/html-page.ts writes the page from that template and needs updating`,
      );
    }
    pieces.push(template.slice(from, at));
    from = at + placeholder.length;
  }
  pieces.push(template.slice(from));
  return pieces;
}

/** An envelope as the page embeds it: JSON inside a <script> element, so no `<` stays literal. */
export function embeddedMessage(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(/</g, '\\x3C');
}

export interface HtmlPageWriter {
  message: (envelope: Envelope) => void;
  /** The rest of the page: the reader app and the closing tags. Call once, last. */
  end: () => void;
}

/**
 * Writes the page to `write` as it goes: the head (title, icon, styles) with the first
 * message, each message as it comes, the reader app at the end. What the stream fills
 * in for each placeholder: "Cucumber" for the title, nothing for the custom ones.
 */
export function htmlPage(
  write: (chunk: string | Uint8Array) => void,
  assets: HtmlPageAssets = htmlFormatterAssets(),
): HtmlPageWriter {
  const pieces = cutTemplate(assets.template, assets.source);
  const before = (placeholder: Placeholder) => pieces[PLACEHOLDERS.indexOf(placeholder)] as string;
  const after = (placeholder: Placeholder) => pieces[PLACEHOLDERS.indexOf(placeholder) + 1] as string;
  let headWritten = false;
  // Piece by piece, not concatenated: the stream behind `write` gathers them into one
  // write anyway, and a copy of the 1 MB reader app would cost more than the writes.
  const writeHead = () => {
    headWritten = true;
    write(`${before('{{title}}')}Cucumber${before('{{icon}}')}`);
    write(assets.read('icon'));
    write(before('{{css}}'));
    write(assets.read('css'));
    write(`${before('{{custom_css}}')}${before('{{messages}}')}`);
  };
  return {
    message(envelope) {
      if (headWritten) {
        write(`,${embeddedMessage(envelope)}`);
      } else {
        writeHead();
        write(embeddedMessage(envelope));
      }
    },
    end() {
      if (!headWritten) writeHead();
      write(before('{{script}}'));
      write(assets.read('script'));
      write(`${before('{{custom_script}}')}${after('{{custom_script}}')}`);
    },
  };
}
