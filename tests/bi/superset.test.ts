import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { projectRoot } from '../support/projectRoot.js';
import { type PublishedDemo, publishDemo } from './support/publishedDemo.js';
import { launchChromium, logIn, openSqlLab, runInSqlLab } from './support/sqlLab.js';
import {
  type Answer,
  assertPlantedAnswers,
  canonicalRows,
  referenceAnswer,
  starterQuestions,
} from './support/starterQuestions.js';
import { supersetMetadataTemplate } from './support/supersetMetadata.js';
import { type Superset, startSuperset } from './support/supersetServer.js';

// A real BI tool in a real browser: Apache Superset (.venv-superset, requirements-superset.txt),
// connected read-only to the published file, driven by headless Chromium through its login page and
// SQL Lab; every starter question's answer is read off the page and checked value by value.
// The last screen is kept as a picture in tests/bi/screenshots/ (docs/metabase.md).
const screenshotDir = join(projectRoot, 'tests', 'bi', 'screenshots');

let demo: PublishedDemo;
let superset: Superset;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Superset's metadata template (made once, then copied) does not need the published file: both at once.
  [demo] = await Promise.all([publishDemo(), supersetMetadataTemplate()]);
  superset = await startSuperset(demo.state.config.publishedPath);
  browser = await launchChromium();
  // Wide and tall enough that the result grid draws every column and row of the longest answer (it draws only what is visible).
  page = await browser.newPage({ viewport: { width: 4000, height: 2400 } });
  // Playwright's 30-second defaults are for quiet machines: SQL Lab's bundle alone can take minutes to load and render on a busy one.
  page.setDefaultTimeout(180_000);
  page.setDefaultNavigationTimeout(300_000);
  await logIn(page, superset.url, superset.username, superset.password);
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  await superset?.stop();
});

test('every starter question, run in SQL Lab, shows the published answer and the planted ones', async () => {
  const publishedBefore = statSync(demo.state.config.publishedPath).mtimeMs;
  await openSqlLab(page, superset.url);
  const answers: Record<string, Answer> = {};
  for (const question of starterQuestions()) {
    const shown = await runInSqlLab(page, question.sql);
    const reference = await referenceAnswer(demo.state.config.publishedPath, question.sql);
    assert.ok(reference.rows.length > 0, `${question.name} returns rows`);
    assert.deepEqual(shown.columns, reference.columns, `${question.name}: the columns SQL Lab shows`);
    assert.deepEqual(canonicalRows(shown), canonicalRows(reference), `${question.name}: the values SQL Lab shows`);
    answers[question.name] = shown;
  }
  assertPlantedAnswers(answers, demo.planted);
  mkdirSync(screenshotDir, { recursive: true });
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.screenshot({ path: join(screenshotDir, 'superset-sql-lab.png') });
  assert.equal(
    statSync(demo.state.config.publishedPath).mtimeMs,
    publishedBefore,
    'Superset left the published file as it was',
  );
});

test("SQL Lab's connection to the published file is read-only", async () => {
  await openSqlLab(page, superset.url);
  const shown = await runInSqlLab(page, "select current_setting('access_mode') as access_mode");
  assert.deepEqual(shown.rows, [['read_only']]);
});
