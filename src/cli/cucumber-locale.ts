/**
 * cucumber's summary formats its durations through luxon, which without a default locale
 * first asks Intl for the system's: an ICU lookup of ~10 ms on every run, for figures
 * printed in Latin digits whatever the locale. In the package, cucumber and this module
 * share one luxon (dist/vendor/luxon.js, scripts/vendor-cucumber.ts). From the sources
 * this sets luxon's ES build, which cucumber (CommonJS) does not use, and changes nothing.
 */
import { Settings } from 'luxon';

export function formatCucumberFiguresInEnglish(): void {
  Settings.defaultLocale = 'en-US';
}
