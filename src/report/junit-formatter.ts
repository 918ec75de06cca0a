/**
 * The JUnit report (reports/junit.xml): cucumber's own `junit` format, the plugin of
 * @cucumber/junit-xml-formatter, named by this module instead of by the package. The
 * compiled package bundles the plugin and what it requires (xmlbuilder, luxon,
 * @cucumber/query) into nettwin's chunks (scripts/build.ts): one module to load where the
 * package name loaded some forty CommonJS files, each with a source map Node may parse.
 */
import plugin from '@cucumber/junit-xml-formatter';
import { Settings } from 'luxon';

// The report's one date is an ISO 8601 timestamp, the same in every locale. Without a
// default locale, luxon first asks Intl for the system's (a DateTimeFormat built for
// nothing: 2 % of a model run). The bundle gives this module and the plugin one luxon
// (scripts/build.ts); from the sources they hold a copy each, and this does nothing.
Settings.defaultLocale = 'en-US';

export default plugin;
