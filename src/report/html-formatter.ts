/**
 * cucumber.html: cucumber's own HTML formatter (@cucumber/html-formatter), fed the
 * messages with step-match arguments it can print (step-arguments.ts), so each step's
 * text shows exactly as written. `nettwin run` and cucumber.js name this module in
 * place of the built-in `html`; merge-reports writes through forHtmlReport as well.
 */
import { finished } from 'node:stream/promises';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Envelope } from '@cucumber/messages';
import { forHtmlReport } from './step-arguments.ts';

/** The shape of a cucumber-js formatter plugin (not exported by @cucumber/cucumber 12). */
interface FormatterPluginContext {
  on: (key: 'message', handler: (value: Envelope) => void) => void;
  write: (buffer: string | Uint8Array) => void;
}

export default {
  type: 'formatter' as const,
  formatter({ on, write }: FormatterPluginContext): () => Promise<void> {
    const html = new CucumberHtmlStream();
    html.on('data', (chunk: string | Uint8Array) => write(chunk));
    on('message', (envelope) => {
      html.write(forHtmlReport(envelope));
    });
    return async () => {
      html.end();
      await finished(html);
    };
  },
};
