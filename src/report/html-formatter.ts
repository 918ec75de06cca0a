/**
 * cucumber.html: cucumber's own HTML report (@cucumber/html-formatter's page and reader
 * app, written by html-page.ts), fed the messages with step-match arguments it can print
 * (step-arguments.ts), so each step's text shows exactly as written. `nettwin run` and
 * cucumber.js name this module in place of the built-in `html`; merge-reports writes the
 * same page (reports/write-reports.ts).
 */
import type { Envelope } from '@cucumber/messages';
import { htmlPage } from './html-page.ts';
import { forHtmlReport } from './step-arguments.ts';

/** The shape of a cucumber-js formatter plugin (not exported by @cucumber/cucumber 12). */
interface FormatterPluginContext {
  on: (key: 'message', handler: (value: Envelope) => void) => void;
  write: (buffer: string | Uint8Array) => void;
}

export default {
  type: 'formatter' as const,
  formatter({ on, write }: FormatterPluginContext): () => Promise<void> {
    const page = htmlPage(write);
    on('message', (envelope) => page.message(forHtmlReport(envelope)));
    return async () => page.end();
  },
};
