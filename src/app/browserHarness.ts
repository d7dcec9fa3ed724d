/**
 * What every browser suite shares: Debian's Chromium driven by playwright-core against the built
 * SPA, served by the real server on a test database. Without /usr/bin/chromium a suite is skipped
 * with a notice, except in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from './webBuild.ts';
import { loadConfig } from '../config.ts';
import { describeEachDatabase, type TestDatabase } from '../db/testDatabase.ts';
import { buildServer, type App } from './server.ts';
import type { Services } from './services.ts';

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

export const screenshot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
