/**
 * The web app in a real browser: Debian's Chromium driven by playwright-core, against the built SPA
 * served by the real server on a test database. Screenshots of each page go to
 * test-artifacts/screenshots/. Without /usr/bin/chromium the suite is skipped with a notice, except
 * in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/buildWeb.ts';
import { loadConfig } from '../config.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { buildServer, type App } from './server.ts';
import { createServices, type Services } from './services.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const PASSWORD = 'browser test passphrase';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI === 'true') {
    test('web app in Chromium', () => assert.fail(`${CHROMIUM} is missing: CI must install Debian's chromium for the browser tests`));
  } else {
    test('web app in Chromium', { skip: `${CHROMIUM} not found (apt-get install -y chromium)` }, () => {});
  }
}

describeEachDatabase('web app in Chromium', (t) => {
  // One database is enough to test a browser against; the API suites cover both servers.
  if (!hasChromium || t.target !== 'embedded') return;

  let services: Services;
  let app: App;
  let browser: Browser;
  let base = '';
  let shop = { workspaceId: '', email: '' };
  const errors: string[] = [];

  before(async () => {
    await ensureWebBuilt({ quiet: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    services = createServices(t.db);
    app = await buildServer(services, loadConfig({ logLevel: 'silent' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    shop = await seedShop(app, services);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const newPage = async (locale = 'en-US') => {
    const context = await browser.newContext({ locale, viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      // The first GET /v1/session of a signed-out browser is a 401 by design.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
    });
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const signIn = async (page: Page, email: string) => {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
  };

  test('sign in, browse and search customers, open a customer 360', async () => {
    const page = await newPage();
    await page.goto(`${base}/customers`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, '01-sign-in');

    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Email or password is incorrect.').waitFor();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await page.getByText('Customers 1–50').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 50);
    await shot(page, '02-customers');

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Customers 51–61').waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Customers 1–50').waitFor();

    await page.getByLabel('Search customers').fill('サトウ');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/search=/);
    await page.locator('tbody tr').first().getByText('佐藤 花子').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);
    await shot(page, '03-customers-search');

    await page.getByRole('link', { name: '佐藤 花子' }).click();
    await page.getByRole('heading', { level: 1, name: '佐藤 花子' }).waitFor();
    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByText('サトウ ハナコ').or(page.getByText('サトウ ハナコ')).first().waitFor();
    await profile.getByText('〒150-0001 東京都渋谷区神宮前1-2-3 ハイツ101').waitFor();
    await page.getByRole('list', { name: 'Current' }).getByText('Opted in').waitFor();
    const timeline = page.getByRole('list', { name: 'Orders, refunds and events, newest first' });
    await timeline.getByText('Order A-1002').waitFor();
    await timeline.getByText('Refund for order A-1001').waitFor();
    await timeline.getByText('Product Viewed').waitFor();
    // Net revenue: 12,800 + 5,400 − 1,800 refunded, in yen without decimals.
    await page.getByRole('region', { name: 'Summary' }).getByText('¥16,400').waitFor();
    await shot(page, '04-customer-360');

    // A deep link survives a reload (the server answers page paths with the app).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '佐藤 花子' }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('create an API key (shown once), use it, revoke it', async () => {
    const page = await newPage();
    await signIn(page, shop.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByLabel('Name').fill('Website tracking');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.getByLabel('New API key', { exact: true });
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())?.trim() ?? '';
    assert.match(secret, /^kz_/);
    await shot(page, '05-api-key-created');

    const track = () =>
      fetch(`${base}/v1/track`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'browser-1', event: 'Signed Up' }),
      });
    assert.equal((await track()).status, 200);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('button', { name: 'Revoke Website tracking' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row', { name: /Website tracking/ }).getByText(/Revoked/).waitFor();
    assert.equal((await track()).status, 401);
    await shot(page, '06-api-keys');
    assert.deepEqual(errors, []);
  });

  test('import a CSV: errors by line and column, then a clean file', async () => {
    const page = await newPage();
    await signIn(page, shop.email);
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
    const upload = (name: string, csv: string) => page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });

    await upload('bad.csv', '顧客ID,メールアドレス,生年月日\nN-1,n1@example.jp,1990/04/01\nN-2,n2@example.jp,not a date\n');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Nothing was imported: some rows are invalid.').waitFor();
    await page.getByRole('cell', { name: '生年月日' }).waitFor();

    await upload('good.csv', '顧客ID,メールアドレス,氏名\nN-1,n1@example.jp,新井 一郎\nN-2,n2@example.jp,新井 次郎\n');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 of 2 rows imported.').waitFor();
    await shot(page, '07-import');
    assert.equal((await services.customers.find(shop.workspaceId, 'N-2')).familyName, '新井');
    assert.deepEqual(errors, []);
  });

  test('switch language: Japanese labels, numbers and dates; the choice is kept', async () => {
    const page = await newPage();
    await signIn(page, shop.email);
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { level: 1, name: '顧客' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    await page.getByRole('navigation', { name: 'メイン' }).getByRole('link', { name: 'インポート' }).waitFor();
    await page.getByText('1〜50 件目').waitFor();
    await shot(page, '08-customers-ja');

    await page.getByLabel('顧客を検索').fill('佐藤');
    await page.getByRole('button', { name: '検索' }).click();
    await page.getByRole('link', { name: '佐藤 花子' }).click();
    await page.getByRole('list', { name: '現在' }).getByText('同意あり').waitFor();
    await page.getByRole('region', { name: 'サマリー' }).getByText('￥16,400').waitFor();
    await page.getByText('2024/03/15').first().waitFor();
    await shot(page, '09-customer-360-ja');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: '佐藤 花子' }).waitFor();
    await page.getByRole('link', { name: '顧客一覧' }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('a new workspace shows how to bring data in; an analyst sees no import or keys; keyboard users can skip to content', async () => {
    const { workspace } = await services.workspaces.create({ name: 'Empty shop' });
    const email = `analyst-${Math.random().toString(36).slice(2)}@example.jp`;
    await services.users.create(workspace.id, { email, role: 'analyst', password: PASSWORD });
    const page = await newPage();
    await signIn(page, email);
    await page.getByRole('heading', { name: 'No customers yet' }).waitFor();
    await page.getByText(`npx kizuna import customers customers.csv --workspace ${workspace.id}`).waitFor();
    await page.getByText(`curl -X POST ${base}/v1/track`).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Import' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'API keys' }).count(), 0);
    await shot(page, '10-empty-workspace');

    await page.reload();
    await page.getByRole('heading', { name: 'No customers yet' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(errors, []);
  });
});

/** A small shop: 61 customers (two pages), one with a full profile, consents, orders, a refund and events. */
async function seedShop(app: App, services: Services) {
  const { workspace, apiKey } = await services.workspaces.create({ name: 'Browser test shop' });
  const email = `admin-${Math.random().toString(36).slice(2)}@example.jp`;
  await services.users.create(workspace.id, { email, name: 'Admin', role: 'admin', password: PASSWORD });
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  };
  const others = Array.from({ length: 60 }, (_, i) => ({
    externalId: `C-${String(i + 1).padStart(3, '0')}`,
    email: `c${i + 1}@example.jp`,
    familyName: '山田',
    givenName: `太郎${i + 1}`,
    prefecture: '大阪府',
    createdAt: '2024-01-05T01:00:00Z',
  }));
  await post('/v1/customers', {
    customers: [
      {
        externalId: 'C-HANAKO',
        email: 'hanako@example.jp',
        phone: '+819012345678',
        familyName: '佐藤',
        givenName: '花子',
        familyNameKana: 'サトウ',
        givenNameKana: 'ハナコ',
        birthday: '1988-07-14',
        postalCode: '1500001',
        prefecture: '東京都',
        city: '渋谷区',
        addressLine1: '神宮前1-2-3',
        addressLine2: 'ハイツ101',
        createdAt: '2024-01-04T01:00:00Z',
        consents: [
          { channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-04T01:00:00Z' },
          { channel: 'line', status: 'opted_out', source: 'line_block', recordedAt: '2024-02-01T01:00:00Z' },
        ],
      },
      ...others,
    ],
  });
  await post('/v1/orders', {
    orders: [
      {
        externalId: 'A-1001',
        customerExternalId: 'C-HANAKO',
        currency: 'JPY',
        orderedAt: '2024-02-10T03:00:00Z',
        lines: [
          { sku: 'TEA-01', name: '玉露 100g', quantity: 2, unitPriceMinor: 3600 },
          { sku: 'CUP-02', name: '湯呑み', quantity: 1, unitPriceMinor: 5600 },
        ],
      },
      { externalId: 'A-1002', customerExternalId: 'C-HANAKO', currency: 'JPY', orderedAt: '2024-03-15T03:00:00Z', lines: [{ sku: 'TEA-02', name: '煎茶', quantity: 3, unitPriceMinor: 1800 }] },
    ],
  });
  await post('/v1/orders/A-1001/refunds', { externalId: 'R-1', amountMinor: 1800, reason: '破損', refundedAt: '2024-02-14T03:00:00Z' });
  for (const [event, at] of [
    ['Product Viewed', '2024-03-14T11:00:00Z'],
    ['Product Added', '2024-03-14T11:05:00Z'],
  ] as const) {
    await post('/v1/track', { userId: 'C-HANAKO', event, properties: { sku: 'TEA-02', name: '煎茶' }, timestamp: at });
  }
  return { workspaceId: workspace.id, email };
}
