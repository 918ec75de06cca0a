// Cucumber profiles for `npx cucumber-js -p twin` in this checkout. `nettwin run` does not
// read this file (a user's repository has none): it builds the same configuration in
// src/cli/run.ts (cucumberConfiguration), with the packaged vocabulary and the user's steps.
// Step code is TypeScript: steps/tsx-register.mjs is imported first and registers tsx's
// ESM hooks, so `npx cucumber-js` works on Node 20 without NODE_OPTIONS.
// No `paths`: cucumber's default is features/**/*.feature, and paths given on the
// command line would be added to a profile's instead of replacing them.
const common = {
  import: ['steps/tsx-register.mjs', 'steps/**/!(*.test).ts'],
  format: [
    'progress',
    'summary',
    // cucumber's HTML formatter, fed step-match arguments it prints exactly (src/report/html-formatter.ts).
    '"./src/report/html-formatter.ts":reports/cucumber.html',
    // cucumber's JUnit document, written by nettwin (src/report/junit-report.ts says why).
    '"./src/report/junit-formatter.ts":reports/junit.xml',
    'message:reports/messages.ndjson',
  ],
  formatOptions: { snippetInterface: 'async-await', junit: { suiteName: 'nettwin' } },
};

// Scenarios tagged @model-only describe engines we cannot start (e.g. Docker 17.03's
// single DOCKER-ISOLATION chain): real backends skip them.
const real = { tags: 'not @model-only and not @wip' };

export default { ...common, worldParameters: { backend: 'model' }, tags: 'not @wip' };
export const model = { ...common, worldParameters: { backend: 'model' }, tags: 'not @wip' };
export const dind = { ...common, ...real, worldParameters: { backend: 'dind' } };
export const twin = { ...common, ...real, worldParameters: { backend: 'twin' } };
export const ci = {
  ...common,
  ...real,
  worldParameters: { backend: 'twin' },
  retry: 0,
  failFast: false,
  strict: true,
};
