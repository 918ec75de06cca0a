/**
 * The one part of luxon nettwin touches (src/cli/cucumber-locale.ts). luxon ships no types of its
 * own; @types/luxon would be a dependency for one property.
 */
declare module 'luxon' {
  export const Settings: { defaultLocale: string };
}
