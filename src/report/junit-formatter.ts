/**
 * The JUnit report (reports/junit.xml): cucumber's own `junit` format, the plugin of
 * @cucumber/junit-xml-formatter, named by this module instead of by the package. The
 * compiled package bundles the plugin with cucumber (dist/vendor/, scripts/vendor-cucumber.ts):
 * it then shares the run's @cucumber/messages and luxon, and loads as one small module
 * where the package name loaded some forty CommonJS files, each with a source map Node may parse.
 */
import plugin from '@cucumber/junit-xml-formatter';
import { Settings } from 'luxon';

// The report's one date is an ISO 8601 timestamp, the same in every locale. Without a
// default locale, luxon first asks Intl for the system's (a DateTimeFormat built for
// nothing: 2 % of a model run). In the package this module, the plugin and cucumber share
// one luxon (dist/vendor/luxon.js); from the sources luxon's ES build here and the CommonJS
// one the plugin requires are two copies, and this does nothing.
Settings.defaultLocale = 'en-US';

export default plugin;
