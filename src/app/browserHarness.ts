/**
 * What every browser suite shares: Debian's Chromium driven by playwright-core against the built
 * SPA, served by the real server on a test database. Without /usr/bin/chromium a suite is skipped
 * with a notice, except in CI (CI=true), where that is a failure.
 *
 * Steps run through `inPage` leave a screenshot of a failure in test-artifacts/screenshots/. The
 * suites' step-by-step screenshots (each page as the steps go) are taken with
 * `KIZUNA_SCREENSHOTS=1 npm test`: full-page PNGs are a tenth of a browser suite's time, for pictures
 * nobody looks at in a green run; rerun a failed suite with it to see where it stopped.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from './webBuild.ts';
import { loadConfig } from '../config.ts';
import { describeEachDatabase, type TestDatabase } from '../db/testDatabase.ts';
import { buildServer, type App } from './server.ts';
import { createServices, type Services } from './services.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

/** A browser suite: on the embedded database only (the API suites cover both servers). */
export function describeInBrowser(name: string, body: (t: TestDatabase) => void): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') test(name, () => assert.fail(`${CHROMIUM} is missing: CI must install Debian's chromium for the browser tests`));
    else test(name, { skip: `${CHROMIUM} not found (apt-get install -y chromium)` }, () => {});
    return;
  }
  describeEachDatabase(name, (t) => {
    if (t.target === 'embedded') body(t);
  });
}

/** Builds the web app if needed and serves it with the API on a free port. */
export async function serveForBrowser(services: Services): Promise<{ app: App; base: string }> {
  await ensureWebBuilt({ quiet: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const app = await buildServer(services, loadConfig({ logLevel: 'silent' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

const KEEP_SCREENSHOTS = process.env.KIZUNA_SCREENSHOTS === '1';

/** A full-page screenshot `<name>.png` of a failed step. */
export const failureScreenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);

/** A full-page screenshot `<name>.png` of a step, or of a region (`locator`), with KIZUNA_SCREENSHOTS=1. */
export const screenshot = async (page: Pick<Page, 'screenshot'>, name: string, fullPage = true): Promise<void> => {
  if (KEEP_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...(fullPage ? { fullPage } : {}) });
};

/** A browser suite's services, server and Chromium (see `browserSuite`); set once its `before` has run. */
export interface BrowserSuite {
  services: Services;
  app: App;
  base: string;
  browser: Browser;
}

/** Builds the services, serves the app and launches Chromium before the suite's tests; closes them after. */
export function browserSuite(t: TestDatabase): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async () => {
    suite.services = createServices(t.db);
    Object.assign(suite, await serveForBrowser(suite.services));
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.services?.messaging.close();
    await suite.browser?.close();
    await suite.app?.close();
  });
  return suite;
}

/**
 * A new workspace with an admin who signs in with `password`, and `post`, a POST under the
 * workspace's key that must answer 200: a suite's shop, seeded through the API as a client would.
 */
export async function adminShop(app: App, services: Services, name: string, password: string) {
  const { workspace, apiKey } = await services.workspaces.create({ name });
  const email = `admin-${Math.random().toString(36).slice(2)}@example.jp`;
  await services.users.create(workspace.id, { email, name: 'Admin', role: 'admin', password });
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };
  return { ws: workspace.id, email, apiKey, post };
}

/** Signs in through the web app's form, with the words of the page's language, and waits for the navigation. */
export async function signIn(page: Page, base: string, words: Record<string, string>, email: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel(words['signIn.email']!).fill(email);
  await page.getByLabel(words['signIn.password']!).fill(password);
  await page.getByRole('button', { name: words['signIn.submit'] }).click();
  await page.getByRole('navigation', { name: words['nav.label'] }).waitFor();
}

/**
 * Records the page's errors in `errors`; with `consoleErrors`, its console's too, for pages that must
 * log none (a refused resource is the network's, not the page's).
 */
export function recordErrors(page: Page, errors: string[], consoleErrors = true): void {
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  if (consoleErrors) page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(`console: ${msg.text()}`));
}

/**
 * One test's own context and page: an error in the page (with `consoleErrors`, in its console too) fails it, and a failure leaves the
 * screenshot `<shots>-failed.png` and the page's errors in its message.
 */
export async function inPage(
  browser: Browser,
  options: { locale: string; viewport: { width: number; height: number }; shots: string; consoleErrors?: boolean },
  body: (page: Page, shot: (name: string, full?: boolean) => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const errors: string[] = [];
  const context = await browser.newContext({ locale: options.locale, viewport: options.viewport });
  const page = await context.newPage();
  recordErrors(page, errors, options.consoleErrors ?? false);
  const shot = (name: string, full = true) => screenshot(page, `${options.shots}-${name}`, full);
  try {
    await body(page, shot);
    assert.deepEqual(errors, []);
  } catch (err) {
    await failureScreenshot(page, `${options.shots}-failed`);
    if (errors.length > 0) (err as Error).message += `\npage errors: ${errors.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}
