/**
 * The JUnit report (reports/junit.xml): cucumber's own `junit` format, the plugin of
 * @cucumber/junit-xml-formatter, named by this module instead of by the package. The
 * compiled package bundles the plugin with cucumber (dist/vendor/, scripts/vendor-cucumber.ts):
 * it then shares the run's @cucumber/messages and luxon, and loads as one module
 * where the package name loaded some forty CommonJS files, each with a source map Node may parse.
 */
import plugin from '@cucumber/junit-xml-formatter';

// Its one timestamp is formatted in English figures: src/cli/cucumber-locale.ts, set by the run.
export default plugin;
