/**
 * The HTML report as a reader meets it: features run on the model (no Docker) into a
 * fresh reports directory, then cucumber.html is opened in headless Chromium (Debian's
 * `chromium`, driven by playwright-core; nothing downloads a browser) and the rendered
 * page is checked: every step reads exactly as its Gherkin line, every traffic step's
 * packet-path picture has loaded, its counter table is a real <table>, and nothing says
 * "Couldn't display". A screenshot of one scenario is kept as reports/report-screenshot.png.
 * And a run cucumber abandons (a BeforeAll hook throws) has a whole page showing the error.
 *
 * Run by `npm test` as its own part (scripts/test.ts). Without a browser this test FAILS:
 * it never skips. `apt-get install chromium` (or CHROMIUM=/path/to/chromium).
 */
import assert from 'node:assert/strict';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Envelope } from '@cucumber/messages';
import { execa } from 'execa';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { runModelIn, writeFailingHookProject } from '../src/cli/failing-hook-project.test-helper.ts';

// Code passed to page.evaluate runs in the page; the project compiles without the DOM library.
declare const document: {
  images: Iterable<{ complete: boolean }>;
  getElementById(id: string): { textContent: string | null } | null;
};

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'reports', 'report-screenshot.png');
/**
 * Pings, HTTP through DNAT and docker-proxy, names, refusals: sentences with optional parts.
 * NETTWIN_BROWSER_FEATURES (space-separated paths) checks others, e.g. `features`.
 */
const FEATURES = process.env.NETTWIN_BROWSER_FEATURES?.trim().split(/\s+/) ?? [
  'features/default-bridge.feature',
  'features/published-ports.feature',
];
/** The scenario the screenshot shows. */
const SHOWN = 'On Docker 28 the ping goes through DOCKER-FORWARD, accepted by DOCKER-CT after the first';

const work = mkdtempSync(path.join(tmpdir(), 'nettwin-report-'));
const userDataDir = path.join(work, 'chromium-profile');
const reports = path.join(work, 'reports');
let context: BrowserContext | undefined;
/** The run's cucumber.html, opened once (the screenshot, last, opens its pictures). */
let report: Page | undefined;
let envelopes: Envelope[] = [];

before(async () => {
  // The run as a user starts it; its outcome is the features' business, the report is ours.
  const run = await execa(
    'node',
    ['--import', 'tsx', 'src/cli/main.ts', 'run', ...FEATURES, '--backend', 'model', '--reports', reports],
    { cwd: ROOT, reject: false, env: { NETTWIN_BACKEND: 'model' } },
  );
  assert.ok(
    existsSync(path.join(reports, 'cucumber.html')),
    `nettwin run wrote no report (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`,
  );
  envelopes = readFileSync(path.join(reports, 'messages.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Envelope);
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM); this test never skips`,
    );
  }
  mkdirSync(userDataDir);
  // launchPersistentContext gives the fresh user-data-dir; the flags keep Chromium off the network.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  report = await open(path.join(reports, 'cucumber.html'));
});

after(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
});

async function open(file: string): Promise<Page> {
  const page = await (context ?? assert.fail('Chromium did not start')).newPage();
  await page.goto(`file://${file}`);
  // The report is a React app: it has rendered once the steps are there.
  await page.waitForSelector('article li h3', { timeout: 30_000 });
  // It shows some features folded (e.g. every scenario skipped): unfold them, as a reader would.
  const folded = page.locator('button[aria-expanded="false"]', { hasText: '.feature' });
  for (let n = await folded.count(); n > 0; n--) await folded.first().click();
  return page;
}

/** `Keyword text` of every step of every scenario that ran, as the Gherkin source writes it. */
function expectedStepLines(): string[] {
  const keywords = new Map<string, string>();
  for (const e of envelopes) {
    const walk = (children: readonly unknown[]) => {
      for (const child of children as Array<
        Record<string, { steps?: { id: string; keyword: string }[]; children?: unknown[] }>
      >) {
        for (const part of [child.background, child.scenario])
          for (const s of part?.steps ?? []) keywords.set(s.id, s.keyword.trim());
        if (child.rule?.children) walk(child.rule.children);
      }
    };
    if (e.gherkinDocument?.feature) walk(e.gherkinDocument.feature.children);
  }
  const pickles = new Map(envelopes.flatMap((e) => (e.pickle ? [[e.pickle.id, e.pickle] as const] : [])));
  const testCases = new Map(
    envelopes.flatMap((e) => (e.testCase ? [[e.testCase.id, e.testCase] as const] : [])),
  );
  const lines: string[] = [];
  for (const e of envelopes) {
    const started = e.testCaseStarted;
    if (!started) continue;
    const pickle = pickles.get(testCases.get(started.testCaseId)?.pickleId ?? '');
    for (const step of pickle?.steps ?? []) {
      const keyword = step.astNodeIds.map((id) => keywords.get(id)).find((k) => k !== undefined) ?? '';
      lines.push(`${keyword} ${step.text}`);
    }
  }
  return lines.sort();
}

/** The rendered text of every step heading (hooks have no keyword and are left out). */
async function renderedStepLines(page: Page): Promise<string[]> {
  const lines = await page.$$eval('article li h3', (headings) =>
    headings
      .filter((h) => h.firstElementChild?.tagName === 'SPAN' && h.children.length > 1)
      .map((h) => (h.textContent ?? '').replace(/\s+/g, ' ').trim()),
  );
  return lines.sort();
}

const opened = (): Page => report ?? assert.fail('the report did not open');

test('every step reads exactly as its Gherkin line', async () => {
  const page = opened();
  const expected = expectedStepLines();
  assert.ok(expected.length > 20, `the run had steps (${expected.length})`);
  assert.deepEqual(await renderedStepLines(page), expected);
});

test('the same check fails on a report built from the unfiltered step-match arguments', async () => {
  // What cucumber's built-in html formatter writes: garbled sentences (`a Docker hosta Docker host`).
  const file = path.join(work, 'unfiltered.html');
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(file));
  const page = await open(file);
  const rendered = await renderedStepLines(page);
  assert.notDeepEqual(rendered, expectedStepLines());
  assert.ok(
    rendered.some((l) => /a Docker hosta Docker host/.test(l)),
    rendered.slice(0, 5).join('\n'),
  );
  await page.close();
});

test('every traffic step shows its loaded picture and its counter table as a <table>, and nothing says "Couldn\'t display"', async () => {
  const page = opened();
  const pictures = envelopes.filter((e) => e.attachment?.mediaType === 'image/svg+xml').length;
  assert.ok(pictures >= 5, `the run attached packet paths (${pictures})`);
  // Every picture in the page, decoded: closed <details> still load their images.
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, {
    timeout: 30_000,
  });
  const images = await page.$$eval('img', (imgs) =>
    imgs.map((i) => ({
      w: i.naturalWidth,
      h: i.naturalHeight,
      svg: i.src.startsWith('data:image/svg+xml;base64,'),
    })),
  );
  assert.equal(images.length, pictures, 'one picture per packet-path attachment');
  for (const image of images) {
    assert.ok(image.svg && image.w > 0 && image.h > 0, `picture loaded: ${JSON.stringify(image)}`);
    assert.ok(image.w <= 960, `legible at its natural size: ${image.w} px wide`);
  }
  // The steps that carry a picture: each has its counter table, rendered as a table element.
  const steps = await page.$$eval('article li', (items) =>
    items
      .filter((li) => li.querySelector(':scope > div h3') && li.querySelector(':scope img'))
      .map((li) => ({
        text: li.querySelector('h3')?.textContent ?? '',
        tables: [...li.querySelectorAll('table.nettwin-counters')].filter((t) => t.tagName === 'TABLE')
          .length,
        rows: li.querySelectorAll('table.nettwin-counters tbody tr').length,
      })),
  );
  assert.equal(steps.length, pictures);
  for (const step of steps) {
    assert.equal(step.tables, 1, `"${step.text}" has its counter table as a <table>`);
    assert.ok(step.rows > 0, `"${step.text}" has counter rows`);
  }
  // The rendered report (#content), not the messages and scripts the page carries.
  const text = (await page.evaluate(() => document.getElementById('content')?.textContent)) ?? '';
  assert.ok(text.length > 1000, 'the report rendered');
  const shown = (pattern: RegExp) => pattern.exec(text)?.[0];
  assert.equal(shown(/.{0,80}Couldn't display.{0,80}/), undefined);
  assert.equal(
    shown(/Attached Text \(text\/html\)|<table.{0,80}/),
    undefined,
    'no table shown as source text',
  );
});

test('a screenshot of one scenario, pictures open, is kept under reports/', async () => {
  const page = opened();
  // A scenario is a <section> headed by its name (sections nest: the innermost is the scenario).
  const scenario = page.locator('section', { has: page.locator('h2', { hasText: SHOWN }) }).last();
  await scenario.waitFor();
  await scenario.evaluate((a) => {
    for (const d of a.querySelectorAll('details')) d.open = true;
  });
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await scenario.screenshot({ path: SCREENSHOT, timeout: 60_000 });
  assert.ok(readFileSync(SCREENSHOT).length > 10_000, `${SCREENSHOT} written`);
});

test('a run whose BeforeAll hook throws still has a report, and it shows the hook’s error', async () => {
  const project = path.join(work, 'hook-project');
  writeFailingHookProject(project, 'the hook of this project failed');
  const run = await runModelIn(project);
  assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
  const page = await (context ?? assert.fail('Chromium did not start')).newPage();
  await page.goto(`file://${path.join(project, 'reports', 'cucumber.html')}`);
  // The reader app rendered (its summary line), and the hook's error is on the page.
  await page.getByText('No scenarios were executed').waitFor({ timeout: 30_000 });
  await page.getByText('Error: the hook of this project failed').first().waitFor({ timeout: 5_000 });
  await page.close();
});
