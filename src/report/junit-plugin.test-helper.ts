/**
 * The oracle of nettwin's JUnit report: what cucumber's own JUnit plugin
 * (@cucumber/junit-xml-formatter) writes for a message stream. junit-report.test.ts and the
 * package test (on a real run's messages.ndjson) compare report/junit-report.ts with it.
 */
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter';
import type { Envelope } from '@cucumber/messages';

export function pluginJunitXml(envelopes: readonly Envelope[], suiteName = 'nettwin'): string {
  let xml = '';
  const printer = new JUnitXmlPrinter({ suiteName }, (content) => {
    xml += content;
  });
  for (const envelope of envelopes) printer.update(envelope);
  return xml;
}
