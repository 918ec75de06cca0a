/**
 * The JUnit report (reports/junit.xml): cucumber's own `junit` format, the plugin of
 * @cucumber/junit-xml-formatter, named by this module instead of by the package. The
 * compiled package bundles the plugin and what it requires (xmlbuilder, luxon,
 * @cucumber/query) into nettwin's chunks (scripts/build.ts): one module to load where the
 * package name loaded some forty CommonJS files, each with a source map Node may parse.
 */
import plugin from '@cucumber/junit-xml-formatter';

export default plugin;
