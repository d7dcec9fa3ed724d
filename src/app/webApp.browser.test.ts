/**
 * The web app in a real browser: Debian's Chromium driven by playwright-core, against the built SPA
 * served by the real server on a test database. Screenshots of each page go to
 * test-artifacts/screenshots/. Without /usr/bin/chromium the suite is skipped with a notice, except
 * in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { generateDemo } from '../modules/demo/generate.ts';
import { observationEnd } from '../modules/demo/generator.ts';
import { GLOSSARY_EN } from '../lib/glossary.ts';
import { adminShop, browserSuite, describeInBrowser, recordErrors, screenshot } from './browserHarness.ts';
import type { App } from './server.ts';
import type { Services } from './services.ts';

const PASSWORD = 'browser test passphrase';

describeInBrowser('web app in Chromium', (t) => {

  const suite = browserSuite(t);
  let shop = { workspaceId: '', email: '' };
  let analytics = { workspaceId: '', email: '', apiKey: '' };
  const errors: string[] = [];

  before(async () => {
    shop = await seedShop(suite.app, suite.services);
    analytics = await seedAnalytics(suite.services);
  });

  const newPage = async (locale = 'en-US') => {
    const context = await suite.browser.newContext({ locale, viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    // The first GET /v1/session of a signed-out browser is a 401 by design.
    recordErrors(page, errors);
    return page;
  };
  const shot = screenshot;

  /** Signs in at `/`, which leads to the Overview. */
  const signIn = async (page: Page, email: string) => {
    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  };
  const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
  /** The API as the analytics workspace's admin key sees it: what the pages must show. */
  const apiGet = async (url: string) => {
    const res = await suite.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${analytics.apiKey}` } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };

  test('sign in, browse and search customers, open a customer 360', async () => {
    const page = await newPage();
    await page.goto(`${suite.base}/customers`);
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
    // As people type: hiragana finds the katakana reading, a phone number with hyphens finds the E.164 one.
    for (const query of ['さとう', '090-1234-5678']) {
      await page.getByLabel('Search customers').fill(query);
      await page.getByLabel('Search customers').press('Enter');
      await page.waitForURL((u) => u.searchParams.get('search') === query);
      await page.locator('tbody tr').first().getByText('佐藤 花子').waitFor();
      assert.equal(await page.locator('tbody tr').count(), 1, query);
    }

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
      fetch(`${suite.base}/v1/track`, {
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
    assert.equal((await suite.services.customers.find(shop.workspaceId, 'N-2')).familyName, '新井');
    assert.deepEqual(errors, []);
  });

  test('switch language: Japanese labels, numbers and dates; the choice is kept', async () => {
    const page = await newPage();
    await signIn(page, shop.email);
    await mainNav(page).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
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
    const { workspace } = await suite.services.workspaces.create({ name: 'Empty shop' });
    const email = `analyst-${Math.random().toString(36).slice(2)}@example.jp`;
    await suite.services.users.create(workspace.id, { email, role: 'analyst', password: PASSWORD });
    const page = await newPage();
    await signIn(page, email);
    await page.getByRole('heading', { name: 'No customers yet' }).waitFor();
    await page.getByText(`npx kizuna import customers customers.csv --workspace ${workspace.id}`).waitFor();
    await page.getByText(`curl -X POST ${suite.base}/v1/track`).waitFor();
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

  test('Overview: the KPI cards show the API\'s numbers; a target can be set', async () => {
    const page = await newPage();
    const kpiResponse = page.waitForResponse((r) => r.url().includes('/v1/kpis?'));
    await signIn(page, analytics.email);
    const shown = await (await kpiResponse).json();
    const url = new URL((await kpiResponse).url());
    const report = await apiGet(`${url.pathname}${url.search}`);
    assert.deepEqual(shown.periods, report.periods, 'the page shows what the API computes');
    // The cards show the like-for-like comparison (the last complete period by default), not the partial period.
    const last = report.comparison.kpis;
    const percent = (v: number) => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
    const yen = (v: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(Math.round(v));
    const count = (v: number) => new Intl.NumberFormat('en-US').format(Math.round(v * 100) / 100);
    const cards: [string, string, (v: number) => string][] = [
      ['Retention rate', 'retention_rate', percent],
      ['Churn rate', 'churn_rate', percent],
      ['Repeat purchase rate', 'repeat_purchase_rate', percent],
      ['F2 conversion', 'f2_conversion', percent],
      ['Active customers', 'active_customers', count],
      ['Dormant customers (share)', 'dormant_share', percent],
      ['Revenue from existing customers', 'revenue_existing_customers', yen],
      ['Predicted LTV (incl. 12-month CLV)', 'predicted_ltv', yen],
    ];
    for (const [label, key, format] of cards) {
      const card = page.getByRole('region', { name: label, exact: true });
      const value = last[key].value;
      // F2 conversion counts only first purchases whose 90-day window is over: none in last month.
      if (key === 'f2_conversion' && value === null) {
        assert.equal((await card.locator('.kpi-value').textContent())?.trim(), 'No customer old enough yet');
        continue;
      }
      assert.notEqual(value, null, `${key} has a value in the latest period`);
      assert.equal((await card.locator('.kpi-value').textContent())?.trim(), format(value), label);
    }
    assert.equal(last.nps.value, null);
    await page.getByRole('region', { name: 'NPS', exact: true }).getByText('No surveys yet').waitFor();
    await shot(page, '11-overview');

    await page.getByRole('button', { name: 'Set target for Retention rate' }).click();
    await page.getByLabel(/^Target for the period from/).fill('40');
    await page.getByRole('button', { name: 'Save target' }).click();
    const retention = page.getByRole('region', { name: 'Retention rate', exact: true });
    await retention.getByText('Target 40.0%').waitFor();
    const targets = (await apiGet('/v1/kpi-targets')).data;
    assert.deepEqual(
      targets.map((x: { kpi: string; target: number }) => [x.kpi, x.target]),
      [['retention_rate', 0.4]],
    );
    const attainment = (await apiGet(`${url.pathname}${url.search}`)).comparison.kpis.retention_rate.attainment;
    await retention.getByText(`${Math.round(attainment * 100)}% of target`).waitFor();
    assert.deepEqual(errors, []);
  });

  test('Customers: open an RFM cell, see its customers, open one in the customer 360', async () => {
    const page = await newPage();
    await signIn(page, analytics.email);
    await mainNav(page).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'RFM grid' }).waitFor();
    const rfm = await apiGet('/v1/segments/rfm');
    const cell = [...rfm.cells].sort((a, b) => b.customers - a.customers)[0];
    const button = page.getByRole('button', { name: new RegExp(`^R ${cell.r}, FM ${cell.fm}: .*, ${cell.customers} customers, `) });
    await button.click();
    const list = page.getByRole('region', { name: new RegExp(`^Customers in R ${cell.r} × FM ${cell.fm}`) });
    const expected = await apiGet(`/v1/insights/rfm-cell?r=${cell.r}&fm=${cell.fm}&limit=20`);
    await list.locator('tbody tr').first().waitFor();
    assert.equal(await list.locator('tbody tr').count(), Math.min(20, cell.customers));
    const first = expected.data[0];
    const firstLink = list.locator('tbody tr').first().getByRole('link');
    assert.equal(await firstLink.getAttribute('href'), `/customers/${first.customerId}`);
    const flow = (await apiGet('/v1/insights/stage-flow?days=30')).flow;
    assert.ok(flow.moves.length > 0, 'the second run moved customers between stages');
    await page.getByRole('img', { name: 'Lifecycle stage flow' }).waitFor();
    await page.getByText('Moves as a list').click();
    const move = flow.moves[0];
    const stageName = (stage: string) => GLOSSARY_EN[`glossary.stage.${stage}` as keyof typeof GLOSSARY_EN];
    await page.getByText(`${stageName(move.from)} → ${stageName(move.to)}: ${move.customers}`, { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Segment sizes over time' }).waitFor();
    await shot(page, '12-customers-rfm');

    const name = (await firstLink.textContent())?.trim() ?? '';
    await firstLink.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await shot(page, '13-customer-360-from-rfm');
    assert.deepEqual(errors, []);
  });

  test('Value: CLV distribution, Pareto curve, fitted models, the model choice; a backtest run from the page', async () => {
    const page = await newPage();
    await signIn(page, analytics.email);
    await mainNav(page).getByRole('link', { name: 'Customer value' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customer value' }).waitFor();
    const value = await apiGet('/v1/insights/value');
    const top20 = value.pareto.points.find((p: { customerShare: number }) => p.customerShare === 0.2).revenueShare;
    const pareto = page.getByRole('region', { name: 'Revenue concentration (Pareto)' });
    await pareto.getByText(new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(top20)).waitFor();
    await page.getByRole('img', { name: 'Predicted 12-month CLV' }).waitFor();
    const models = await apiGet('/v1/models');
    const bg = page.getByRole('table', { name: 'BG/NBD (purchase frequency and dropout)' });
    await bg.getByRole('cell', { name: models.fit.fits.bgnbd.params.r.toPrecision(4), exact: true }).waitFor();

    // The scoring run backtested BG/NBD against MBG/NBD; the page says which scores and why.
    const choice = models.fit.fits.choice;
    const compared = page.getByRole('table', { name: 'Which model scores your customers' });
    const chosenName = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD' }[choice.chosen as 'bgnbd' | 'mbgnbd'];
    await compared.getByRole('row', { name: new RegExp(`^${chosenName} Chosen`) }).waitFor();
    assert.equal(await compared.getByText('Chosen').count(), 1);
    await page.getByText(`Scores use ${chosenName}.`).waitFor();
    await page.getByRole('table', { name: 'MBG/NBD (dropout also right after the first purchase)' }).waitFor();
    assert.equal(models.backtest.id, choice.backtestId);
    await page.getByRole('table', { name: 'Holdout accuracy' }).waitFor();
    await page.getByLabel('Holdout (days)').fill('90');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByText('Calibration up to', { exact: false }).filter({ hasText: '90 days' }).waitFor({ timeout: 60_000 });
    await page.getByRole('img', { name: 'Backtest: predicted vs actual' }).waitFor();
    assert.equal((await apiGet('/v1/models')).backtest.holdoutDays, 90);
    await shot(page, '14-value');
    assert.deepEqual(errors, []);
  });

  test('Cohorts, At risk (sorted on the server, CSV), Accounts (health and its signals)', async () => {
    const page = await newPage();
    await signIn(page, analytics.email);
    await mainNav(page).getByRole('link', { name: 'Cohorts' }).click();
    await page.getByRole('img', { name: 'Retention by acquisition month' }).waitFor();
    await page.getByRole('img', { name: 'Revenue per customer by acquisition month' }).waitFor();
    await shot(page, '15-cohorts');

    await mainNav(page).getByRole('link', { name: 'At risk' }).click();
    await page.getByRole('heading', { level: 1, name: 'Customers at risk' }).waitFor();
    const atRisk = await apiGet('/v1/insights/at-risk?limit=50');
    assert.ok(atRisk.total > 0, 'the demo has high-value customers at risk');
    await page.getByText(`${new Intl.NumberFormat('en-US').format(atRisk.total)} customers`, { exact: true }).waitFor();
    const firstRow = () => page.locator('tbody tr').first().getByRole('link');
    assert.equal(await firstRow().getAttribute('href'), `/customers/${atRisk.data[0].customerId}`);
    await page.getByRole('button', { name: /^P\(alive\)/ }).click();
    const byPAlive = await apiGet('/v1/insights/at-risk?limit=50&sort=pAlive&direction=asc');
    await page.waitForFunction((href) => document.querySelector('tbody tr a')?.getAttribute('href') === href, `/customers/${byPAlive.data[0].customerId}`);
    const csv = await page.request.get(`${suite.base}${await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')}`);
    assert.equal(csv.status(), 200);
    assert.equal((await csv.text()).trimEnd().split('\n').length, atRisk.total + 1);
    await shot(page, '16-at-risk');
    await firstRow().click();
    await page.getByRole('region', { name: 'Profile' }).waitFor();

    await mainNav(page).getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
    const accounts = await apiGet('/v1/insights/accounts?limit=25');
    const weakest = accounts.data[0];
    const list = page.getByRole('table', { name: 'Account health, weakest first' });
    await list.getByRole('button', { name: weakest.name ?? weakest.externalId }).click();
    const signals = page.getByRole('table', { name: `Signals behind the health score of ${weakest.name ?? weakest.externalId}` });
    assert.equal(await signals.locator('tbody tr').count(), weakest.signals.length);
    await shot(page, '17-accounts');
    assert.deepEqual(errors, []);
  });

  test('switch the analytics pages to Japanese', async () => {
    const page = await newPage();
    await signIn(page, analytics.email);
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('heading', { level: 1, name: 'ダッシュボード' }).waitFor();
    await page.getByRole('region', { name: '継続率', exact: true }).waitFor();
    await page.getByRole('region', { name: 'F2転換率', exact: true }).waitFor();
    await page.getByRole('region', { name: 'NPS', exact: true }).getByText('アンケート未実施').waitFor();
    const nav = page.getByRole('navigation', { name: 'メイン' });
    await nav.getByRole('link', { name: '離反リスク' }).waitFor();
    await shot(page, '18-overview-ja');
    await nav.getByRole('link', { name: '顧客', exact: true }).click();
    await page.getByRole('heading', { name: 'RFM分析' }).waitFor();
    await shot(page, '19-customers-rfm-ja');
    assert.deepEqual(errors, []);
  });
});

/** A small shop: 61 customers (two pages), one with a full profile, consents, orders, a refund and events. */
async function seedShop(app: App, services: Services) {
  const { ws, email, post } = await adminShop(app, services, 'Browser test shop', PASSWORD);
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
  return { workspaceId: ws, email };
}

/** A generated shop with B2B accounts, scored four weeks ago and today (so that stages have moved): what the analytics pages show. */
async function seedAnalytics(services: Services) {
  const jstDay = (msAgo: number) => new Date(Date.now() - msAgo + 9 * 3_600_000).toISOString().slice(0, 10);
  const today = observationEnd(jstDay(0));
  const demo = await generateDemo(services, { customers: 400, months: 18, seed: 4, end: today, workspaceName: 'Analytics shop' });
  await services.intelligence.score(demo.workspaceId, { asOf: observationEnd(jstDay(28 * 86_400_000)), mode: 'full' });
  await services.intelligence.score(demo.workspaceId, { asOf: today, mode: 'full' });
  const email = `analytics-${Math.random().toString(36).slice(2)}@example.jp`;
  await services.users.create(demo.workspaceId, { email, name: 'Analyst Admin', role: 'admin', password: PASSWORD });
  return { workspaceId: demo.workspaceId, email, apiKey: demo.apiKey! };
}
