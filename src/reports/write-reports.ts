/**
 * Writes the reports of a message stream into a directory, the three files
 * `nettwin run --reports DIR` writes: messages.ndjson, cucumber.html (cucumber's HTML
 * page, report/html-page.ts) and junit.xml (report/junit-report.ts, suite "nettwin" as in
 * run.ts).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { htmlPage } from '../report/html-page.ts';
import { junitReport } from '../report/junit-report.ts';
import { forHtmlReport } from '../report/step-arguments.ts';
import { MESSAGES_FILE } from './read-messages.ts';

export interface ReportFiles {
  messages: string;
  html: string;
  junit: string;
}

/** The JUnit XML of a stream that ends with testRunFinished (the report is written then). */
export function junitXml(envelopes: readonly Envelope[], suiteName = 'nettwin'): string {
  const report = junitReport(suiteName);
  let xml = '';
  for (const envelope of envelopes) xml += report.message(envelope) ?? '';
  return xml;
}

export async function writeReports(envelopes: readonly Envelope[], dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    messages: path.join(dir, MESSAGES_FILE),
    html: path.join(dir, 'cucumber.html'),
    junit: path.join(dir, 'junit.xml'),
  };
  await writeReportFiles(envelopes, files);
  return files;
}

/**
 * Writes the given reports of a message stream, each whole or not at all: into a file
 * beside it, then renamed over it (a reader, or a formatter's stream still open on the
 * old file, never meets half of one).
 */
export async function writeReportFiles(
  envelopes: readonly Envelope[],
  files: Partial<ReportFiles>,
): Promise<void> {
  const replace = async (file: string, content: string | (string | Uint8Array)[]) => {
    const next = `${file}.${process.pid}.part`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(next, content);
      await rename(next, file);
    } finally {
      await rm(next, { force: true });
    }
  };
  if (files.messages) await replace(files.messages, envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  if (files.html) {
    // Step-match arguments the page can print, as `nettwin run` writes them (report/html-formatter.ts).
    const page: (string | Uint8Array)[] = [];
    const writer = htmlPage((chunk) => page.push(chunk));
    for (const envelope of envelopes) writer.message(forHtmlReport(envelope));
    writer.end();
    await replace(files.html, page);
  }
  if (files.junit) await replace(files.junit, junitXml(envelopes));
}
