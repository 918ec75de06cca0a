/**
 * The JUnit report (reports/junit.xml) as a cucumber-js formatter plugin: `nettwin run`
 * and cucumber.js name this module where cucumber's built-in `junit` format would load
 * @cucumber/junit-xml-formatter; the document is the same (junit-report.ts says why and
 * how that is checked). Options: `formatOptions.junit.suiteName`, as the plugin's.
 */
import type { Envelope } from '@cucumber/messages';
import { junitReport } from './junit-report.ts';

/** The shape of a cucumber-js formatter plugin (not exported by @cucumber/cucumber 12). */
interface FormatterPluginContext {
  options: { suiteName?: string };
  on: (key: 'message', handler: (value: Envelope) => void) => void;
  write: (buffer: string) => void;
}

export default {
  type: 'formatter' as const,
  optionsKey: 'junit',
  formatter({ options, on, write }: FormatterPluginContext): void {
    const report = junitReport(options.suiteName);
    on('message', (envelope) => {
      const xml = report.message(envelope);
      if (xml !== undefined) write(xml);
    });
  },
};
