/**
 * The hosted survey page and the Feedback page in a real browser (Debian's Chromium through
 * playwright-core): a customer answers an NPS survey on a phone-sized screen in Japanese and in
 * English, a used link is refused, and a marketer closes the detractor's case in the web app.
 * Screenshots go to test-artifacts/screenshots/. Skipped with a notice without /usr/bin/chromium,
 * except in CI (CI=true).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { customerInput } from '../modules/customers/types.ts';
import { browserSuite, describeInBrowser, recordErrors, screenshot } from './browserHarness.ts';

const PASSWORD = 'survey browser passphrase';
const PHONE = { width: 390, height: 844 };

describeInBrowser('surveys in Chromium', (t) => {

  const suite = browserSuite(t);
  let workspaceId = '';
  let email = '';
  const links = new Map<string, string>();
  const errors: string[] = [];

  before(async () => {
    const { workspace } = await suite.services.workspaces.create({ name: `surveys-${Date.now()}`, timeZone: 'Asia/Tokyo' });
    workspaceId = workspace.id;
    email = `cs-${Date.now()}@example.jp`;
    await suite.services.users.create(workspaceId, { email, role: 'marketer', name: '佐藤 花子', password: PASSWORD });
    await suite.services.customers.upsertMany(workspaceId, [
      customerInput.parse({ externalId: 'yamada', familyName: '山田', givenName: '太郎', locale: 'ja-JP' }),
      customerInput.parse({ externalId: 'smith', familyName: 'Smith', givenName: 'Anna', locale: 'en-GB' }),
    ]);
    await suite.services.surveys.updateSettings(workspaceId, { publicBaseUrl: suite.base, reviewUrl: 'https://example.com/reviews/new' });
    await suite.services.surveys.create(workspaceId, { slug: 'nps', kind: 'nps', title: { ja: 'ご利用についてのアンケート', en: 'How are we doing?' } });
    for (const l of await suite.services.surveys.mintLinks(workspaceId, 'nps', ['yamada', 'smith'])) links.set(l.externalId!, l.url);
  });

  const newPage = async (locale: string, viewport = PHONE) => {
    const context = await suite.browser.newContext({ locale, viewport, isMobile: viewport === PHONE, hasTouch: viewport === PHONE });
    const page = await context.newPage();
    recordErrors(page, errors);
    return page;
  };
  const shot = screenshot;
  /** Taps a score: the radio itself is visually hidden behind its numbered button. */
  const tapScore = async (page: Page, score: number) => {
    await page.locator(`label:has(input[name="q_score"][value="${score}"]) span`).click();
    assert.equal(await page.getByRole('radio', { name: String(score), exact: true }).isChecked(), true);
  };

  test('a Japanese detractor answers on a phone, sees the thank-you, and cannot answer twice', async () => {
    const page = await newPage('ja-JP');
    await page.goto(links.get('yamada')!);
    await page.getByRole('heading', { level: 1, name: 'ご利用についてのアンケート' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling on a phone');
    // Sending without the required score names the problem on the page.
    await page.getByRole('button', { name: '回答を送信する' }).click();
    await page.getByText('入力内容をご確認ください。').waitFor();
    await shot(page, 'survey-01-ja-required');
    await tapScore(page, 3);
    await page.getByRole('textbox').fill('配送が遅く、問い合わせの返信もありませんでした。');
    await shot(page, 'survey-02-ja-form');
    await page.getByRole('button', { name: '回答を送信する' }).click();
    await page.getByRole('heading', { name: 'ご回答ありがとうございました' }).waitFor();
    await page.getByText('担当者より改めてご連絡').waitFor();
    await shot(page, 'survey-03-ja-thanks');

    await page.goto(links.get('yamada')!);
    await page.getByRole('heading', { name: 'このアンケートにはすでにご回答いただいています' }).waitFor();
    await shot(page, 'survey-04-ja-used');
  });

  test('an English promoter answers, is asked for a review, and the link is then refused', async () => {
    const page = await newPage('en-GB');
    await page.goto(links.get('smith')!);
    await page.getByRole('heading', { level: 1, name: 'How are we doing?' }).waitFor();
    // The language can be switched on the page.
    await page.getByRole('link', { name: '日本語' }).click();
    await page.getByRole('heading', { level: 1, name: 'ご利用についてのアンケート' }).waitFor();
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByText('How likely are you to recommend us').waitFor();
    await tapScore(page, 10);
    await page.getByRole('textbox').fill('Friendly staff and fast delivery.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you for the kind words!' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Write a review' }).getAttribute('href'), 'https://example.com/reviews/new');
    await shot(page, 'survey-05-en-promoter');
    await page.goto(links.get('smith')!);
    await page.getByRole('heading', { name: 'You have already answered this survey' }).waitFor();
    // A forged link (another signature) is refused too.
    const forged = links.get('smith')!.replace(/\.[\w-]+$/, '.AAAAAAAAAAAAAAAA');
    const refused = await page.goto(forged);
    assert.equal(refused!.status(), 400);
    await page.getByRole('heading', { name: 'This link is not valid' }).waitFor();
  });

  test("the detractor's case is on the Feedback page and can be closed", async () => {
    const page = await newPage('en-US', { width: 1360, height: 900 });
    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feedback' }).click();
    await page.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
    const card = page.getByTestId('feedback-case');
    await card.getByText('配送が遅く、問い合わせの返信もありませんでした。').waitFor();
    assert.equal(await card.count(), 1);
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/v1/feedback/cases?') && r.status() === 200),
      card.getByLabel('Assignee').selectOption({ label: '佐藤 花子' }),
    ]);
    await card.getByLabel('Add note').fill('Called and apologised.');
    await card.getByRole('button', { name: 'Add note' }).click();
    await card.getByText('Called and apologised.').waitFor();
    await shot(page, 'survey-06-feedback-case');
    await card.getByRole('button', { name: 'Close case' }).click();
    await page.getByText('No cases here.').waitFor();
    const { data } = await suite.services.surveys.listCases(workspaceId, { status: 'all' });
    assert.equal(data[0]!.status, 'closed');
    assert.equal(data[0]!.assigneeName, '佐藤 花子');
    assert.deepEqual(data[0]!.notes.map((n) => n.body), ['Called and apologised.']);

    await page.getByRole('link', { name: 'NPS' }).click();
    await page.getByTestId('feedback-nps').waitFor();
    // One promoter, one detractor: NPS 0.
    assert.equal(await page.getByTestId('feedback-nps').textContent(), '0.0');
    await shot(page, 'survey-07-feedback-nps');

    // A marketer creates a CSAT survey with an extra question; the server adds the standard ones.
    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('button', { name: 'New survey' }).click();
    await page.getByLabel('Key (used in links and templates)').fill('csat-delivery');
    await page.getByLabel('Type').selectOption('csat');
    await page.getByLabel('Title (Japanese)').fill('配送についてのアンケート');
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByLabel('Question type').selectOption('single');
    await page.getByLabel('Question (Japanese)').fill('どちらで購入されましたか？');
    await page.getByLabel('Choices, one per line').fill('店舗\nオンライン');
    await page.getByRole('button', { name: 'Save survey' }).click();
    await page.getByText('配送についてのアンケート', { exact: true }).waitFor();
    await shot(page, 'survey-08-feedback-surveys');
    const created = await suite.services.surveys.get(workspaceId, 'csat-delivery');
    assert.deepEqual(created.questions.map((q) => q.type), ['csat', 'text', 'single']);
    assert.deepEqual(created.questions[2]!.options!.map((o) => o.label.ja), ['店舗', 'オンライン']);

    // The customer 360 shows the answer and the closed case.
    const yamada = await suite.services.customers.find(workspaceId, 'yamada');
    await page.goto(`${suite.base}/customers/${yamada.id}`);
    const panel = page.getByRole('region', { name: 'Surveys and feedback' });
    await panel.getByRole('cell', { name: '配送が遅く、問い合わせの返信もありませんでした。' }).waitFor();
    await panel.getByText('Detractor').waitFor();
    await panel.getByRole('button', { name: 'Reopen' }).waitFor();
    await shot(page, 'survey-09-customer-360');
    assert.deepEqual(errors, []);
  });
});
