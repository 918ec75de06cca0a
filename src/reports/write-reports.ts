/**
 * Writes the reports of a message stream into a directory, the three files
 * `nettwin run --reports DIR` writes: messages.ndjson, cucumber.html (cucumber's HTML
 * formatter) and junit.xml (cucumber's JUnit formatter, suite "nettwin" as in run.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter';
import type { Envelope } from '@cucumber/messages';
import { forHtmlReport } from '../report/step-arguments.ts';
import { MESSAGES_FILE } from './read-messages.ts';

export interface ReportFiles {
  messages: string;
  html: string;
  junit: string;
}

/** The JUnit XML of a stream that ends with testRunFinished (the formatter writes then). */
export function junitXml(envelopes: readonly Envelope[], suiteName = 'nettwin'): string {
  let xml = '';
  const printer = new JUnitXmlPrinter({ suiteName }, (content) => {
    xml += content;
  });
  for (const envelope of envelopes) printer.update(envelope);
  return xml;
}

export async function writeReports(envelopes: readonly Envelope[], dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    messages: path.join(dir, MESSAGES_FILE),
    html: path.join(dir, 'cucumber.html'),
    junit: path.join(dir, 'junit.xml'),
  };
  await writeFile(files.messages, envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  // Step-match arguments the formatter can print, as `nettwin run` writes them (report/html-formatter.ts).
  await pipeline(
    Readable.from(envelopes.map(forHtmlReport)),
    new CucumberHtmlStream(),
    createWriteStream(files.html),
  );
  await writeFile(files.junit, junitXml(envelopes));
  return files;
}
