import { type Browser, type Page, chromium } from 'playwright-core';
import type { Answer } from './starterQuestions.js';

export const chromiumPath = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, as root on a machine whose only network is loopback: without the
 * background-networking flags it keeps dialling out and being refused. Playwright gives every
 * launch a fresh, empty profile of its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Logs in through Superset's login form, as a person would. The login page posts its own log event
 * when it loads; when that request is answered after the login's, its anonymous session cookie
 * replaces the logged-in one and the redirect ends back on the login page (`?next=`): seen once in a
 * full suite. Then it logs in again, up to three times.
 */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await page.goto(`${url}/login/`);
    await page.locator('[data-test="username-input"]').fill(username);
    await page.locator('[data-test="password-input"]').fill(password);
    await page.locator('[data-test="login-button"]').click();
    // Only the redirect away from the login page matters; the welcome page's full load can take minutes on a busy machine.
    await page.waitForURL((target) => !target.pathname.startsWith('/login') || target.searchParams.has('next'), {
      timeout: 300_000,
      waitUntil: 'commit',
    });
    if (!new URL(page.url()).pathname.startsWith('/login')) return;
    if (attempt === 3)
      throw new Error(`Superset sent the browser back to its login page ${attempt} times: ${page.url()}`);
  }
}

/** Opens SQL Lab with a new query tab on the only database (Superset selects it by itself). */
export async function openSqlLab(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sqllab/`);
  await page.locator('[data-test="add-tab-icon"]:visible').first().click();
  await page.locator('.ace_editor:visible').first().waitFor({ timeout: 120_000 });
}

/** Replaces the editor's text with one SQL text, runs it, and reads the result grid off the page. */
export async function runInSqlLab(page: Page, sql: string): Promise<Answer> {
  // SQL Lab keeps every tab in the page and hides all but the current one.
  const editor = page.locator('.ace_editor:visible').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText puts the whole text in at once: typed key by key, the editor's auto-closing brackets
  // and autocompletion would change it.
  await page.keyboard.insertText(sql);
  // The grid of the previous question stays until this one's arrives: wait for SQL Lab's answer
  // from its server, then until the page shows that many rows under those column names.
  const [response] = await Promise.all([
    page.waitForResponse(
      (candidate) => candidate.url().includes('/api/v1/sqllab/execute/') && candidate.request().method() === 'POST',
      { timeout: 180_000 },
    ),
    page.locator('[data-test="run-query-action"]:visible').click(),
  ]);
  const body = (await response.json()) as { columns?: { column_name: string }[]; data?: unknown[]; message?: string };
  if (!response.ok() || !body.columns || !body.data)
    throw new Error(
      `SQL Lab could not run the query (HTTP ${response.status()}): ${JSON.stringify(body).slice(0, 2000)}`,
    );
  const shown = { columns: body.columns.map((column) => column.column_name), rowCount: body.data.length };
  await page.waitForFunction(
    (expected) => {
      const pane = [...document.querySelectorAll('[data-test="south-pane"]')].find(
        (candidate) => (candidate as HTMLElement).offsetParent !== null,
      );
      const headers = [...(pane?.querySelectorAll('.ag-header-cell-text') ?? [])]
        .map((cell) => (cell.textContent ?? '').trim())
        .filter((text) => text !== '');
      const rows = new Set([...(pane?.querySelectorAll('.ag-row') ?? [])].map((row) => row.getAttribute('row-index')));
      return JSON.stringify(headers) === JSON.stringify(expected.columns) && rows.size === expected.rowCount;
    },
    shown,
    { timeout: 120_000 },
  );
  return readGrid(page);
}

/** The result grid (ag-grid) as shown: header texts, then each rendered row by its row index, cells by column id. */
function readGrid(page: Page): Promise<Answer> {
  return page.evaluate(() => {
    const pane = [...document.querySelectorAll('[data-test="south-pane"]')].find(
      (candidate) => (candidate as HTMLElement).offsetParent !== null,
    ) as Element;
    const headers = [...pane.querySelectorAll('.ag-header-cell')]
      .map((cell) => ({
        id: cell.getAttribute('col-id') ?? '',
        text: (cell.querySelector('.ag-header-cell-text')?.textContent ?? '').trim(),
      }))
      .filter((header) => header.text !== '');
    // A row is drawn once per grid section (the pinned row number, the data): join them by row index.
    const indexes = [
      ...new Set([...pane.querySelectorAll('.ag-row')].map((row) => Number(row.getAttribute('row-index')))),
    ].sort((left, right) => left - right);
    const rows = indexes.map((index) =>
      headers.map((header) =>
        (
          pane.querySelector(`.ag-row[row-index="${index}"] .ag-cell[col-id="${CSS.escape(header.id)}"]`)
            ?.textContent ?? ''
        ).trim(),
      ),
    );
    return { columns: headers.map((header) => header.text), rows };
  });
}
