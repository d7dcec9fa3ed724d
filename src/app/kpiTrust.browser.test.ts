/**
 * Numbers people can trust (issue 18, like for like and uncertainty) in a real browser, on a
 * generated demo shop ending today: the Overview's cards compare complete periods (or the same days
 * to date), never a partial period with a full one; NPS shows its n and interval; the cohort
 * heatmap marks the newest, unfinished cell. Screenshots go to test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { generateDemo } from '../modules/demo/generate.ts';
import { observationEnd } from '../modules/demo/generator.ts';
import { addDays, addPeriods, daysBetween, localDay, periodStart } from '../modules/intelligence/periods.ts';
import { browserSuite, describeInBrowser, screenshot } from './browserHarness.ts';

const PASSWORD = 'trust browser passphrase';

describeInBrowser('KPIs people can trust, in Chromium', (t) => {
  const suite = browserSuite(t);
  let email = '';
  let today = '';
  const errors: string[] = [];

  before(async () => {
    const zone = 'Asia/Tokyo';
    today = localDay(new Date(), zone);
    const demo = await generateDemo(suite.services, { customers: 200, months: 12, seed: 18, end: observationEnd(today), workspaceName: 'Trust shop' }, { concurrency: 2 });
    // Two NPS answers in the last complete month: a promoter and a detractor.
    const lastMonth = addPeriods(periodStart(today, 'month'), 'month', -1);
    await suite.services.surveys.create(demo.workspaceId, { slug: 'nps', kind: 'nps', title: { ja: 'NPS' } });
    const { rows } = await t.db.query<{ external_id: string; at: Date }>(
      `SELECT external_id, (($2::date + interval '1 day' * g)::timestamp + interval '12 hours') AT TIME ZONE $3 AS at
       FROM (SELECT external_id, row_number() OVER (ORDER BY external_id) AS g FROM customers WHERE workspace_id = $1 AND external_id IS NOT NULL ORDER BY external_id LIMIT 2) c`,
      [demo.workspaceId, lastMonth, zone],
    );
    for (const [i, r] of rows.entries()) {
      const [link] = await suite.services.surveys.mintLinks(demo.workspaceId, 'nps', [r.external_id], { now: r.at });
      await suite.services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: i === 0 ? 10 : 0 }, 'en', r.at);
    }
    email = `trust-${Math.random().toString(36).slice(2)}@example.jp`;
    await suite.services.users.create(demo.workspaceId, { email, name: 'Analyst', role: 'admin', password: PASSWORD });
  });

  const signIn = async (): Promise<Page> => {
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    return page;
  };
  /** The two windows the cards compare, from the note above them ("a–b (…) vs c–d"). */
  const windows = async (page: Page) => {
    const text = (await page.locator('.kpi-basis').textContent()) ?? '';
    const ranges = [...text.matchAll(/(\d{4}-\d{2}-\d{2})(?:–(\d{4}-\d{2}-\d{2}))?/g)].map((m) => ({ first: m[1]!, last: m[2] ?? m[1]! }));
    assert.equal(ranges.length, 2, text);
    return { text, current: ranges[0]!, previous: ranges[1]! };
  };

  test('the cards compare like with like, and NPS shows n and its interval', async () => {
    const page = await signIn();
    await page.locator('.kpi-basis[data-basis="complete"]').waitFor();
    const complete = await windows(page);
    const thisMonth = periodStart(today, 'month');
    // Complete basis: the last month that has ended against the one before it, both whole months.
    assert.equal(complete.current.first, addPeriods(thisMonth, 'month', -1), complete.text);
    assert.equal(complete.current.last, addDays(thisMonth, -1), complete.text);
    assert.equal(complete.previous.first, addPeriods(thisMonth, 'month', -2), complete.text);
    assert.equal(complete.previous.last, addDays(addPeriods(thisMonth, 'month', -1), -1), complete.text);

    const nps = page.locator('section.kpi-card', { has: page.getByRole('heading', { name: 'NPS', exact: true }) });
    await nps.locator('.kpi-n').waitFor();
    assert.equal(await nps.locator('.kpi-n').textContent(), 'n = 2');
    assert.match((await nps.locator('.kpi-interval').textContent()) ?? '', /95% interval -?100\.0 to 100\.0/);
    // Every rate card says how many customers it rests on.
    for (const name of ['Retention rate', 'Repeat purchase rate']) {
      const card = page.locator('section.kpi-card', { has: page.getByRole('heading', { name, exact: true }) });
      assert.match((await card.locator('.kpi-n').textContent()) ?? '', /^n = [\d,]+$/, name);
    }
    // A change whose interval holds 0 is neutral, never red or green.
    for (const change of await page.locator('.kpi-change[data-significance="none"]').all()) {
      assert.match((await change.getAttribute('class')) ?? '', /insights-neutral/);
      assert.match((await change.textContent()) ?? '', /No significant change/);
    }
    await screenshot(page, 'trust-01-overview-complete');

    // To date: this month's complete days against the same days of last month (unless today is the 1st).
    await page.getByLabel('Compare').selectOption('to_date');
    if (today.endsWith('-01')) {
      await page.locator('.kpi-basis[data-basis="complete"]').waitFor();
    } else {
      await page.locator('.kpi-basis[data-basis="to_date"]').waitFor();
      const toDate = await windows(page);
      assert.equal(toDate.current.first, thisMonth);
      assert.equal(toDate.current.last, addDays(today, -1));
      assert.equal(toDate.previous.first, addPeriods(thisMonth, 'month', -1));
      const length = (w: { first: string; last: string }) => daysBetween(w.first, w.last);
      assert.ok(length(toDate.previous) === length(toDate.current) || toDate.previous.last === addDays(thisMonth, -1), toDate.text);
      await screenshot(page, 'trust-02-overview-to-date');
    }
    assert.deepEqual(errors, []);
  });

  test("the newest cohort cell is marked as a month in progress", async () => {
    const page = await signIn();
    await page.getByRole('link', { name: 'Cohorts' }).click();
    await page.getByRole('heading', { name: 'Retention by acquisition month' }).waitFor();
    const table = page.locator('table', { hasText: 'Retention by acquisition month: values per cohort and month' });
    const newest = table.locator('tr[data-cohort]:not([data-cohort="average"])').last();
    const cells = newest.locator('td');
    const last = cells.last();
    assert.equal(await last.getAttribute('data-complete'), 'false');
    assert.match((await last.textContent()) ?? '', /month in progress/);
    // Every cohort's last cell is the current month: all marked.
    for (const row of await table.locator('tr[data-cohort]:not([data-cohort="average"])').all()) {
      assert.equal(await row.locator('td').last().getAttribute('data-complete'), 'false');
    }
    await screenshot(page, 'trust-03-cohorts');
    assert.deepEqual(errors, []);
  });
});
