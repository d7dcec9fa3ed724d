/**
 * The journey editor in a real browser (Debian's Chromium via playwright-core) against the built SPA
 * and the real server: switch a template on, see it on the canvas, break and fix it, save,
 * activate, watch per-step counts, edit a live journey into a new version, switch to Japanese.
 * Screenshots go to test-artifacts/screenshots/. Without /usr/bin/chromium the suite is skipped
 * with a notice, except in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { adminShop, browserSuite, describeInBrowser, recordErrors, screenshot } from './browserHarness.ts';
import type { App } from './server.ts';
import type { Services } from './services.ts';

const PASSWORD = 'browser test passphrase';
const TEMPLATE = 'Post-purchase follow-up with recommendations';
const CUSTOMERS = 12;

describeInBrowser('journey editor in Chromium', (t) => {

  const suite = browserSuite(t);
  let shop = { workspaceId: '', email: '', apiKey: '' };
  const errors: string[] = [];
  let journeyId = '';

  before(async () => {
    shop = await seedShop(suite.app, suite.services);
  });

  const shot = screenshot;
  const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
  const apiGet = async <T>(url: string): Promise<T> => {
    const res = await suite.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${shop.apiKey}` } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json() as T;
  };

  test('switch a template on, fix a problem, save, activate, watch live counts, version a live edit, pause it in Japanese', async () => {
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    recordErrors(page, errors);

    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Journeys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Journeys' }).waitFor();
    await page.getByText('No journeys yet').waitFor();
    await shot(page, 'journeys-01-list');

    // A template becomes a draft and opens in the editor with its steps on the canvas.
    await page.getByRole('button', { name: `Switch on ${TEMPLATE}` }).click();
    await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
    journeyId = page.url().split('/').pop()!;
    await page.getByText('Draft', { exact: true }).waitFor();
    for (const id of ['wait-3d', 'morning', 'thanks']) await node(page, id).waitFor();
    assert.equal(await page.locator('.react-flow__node').count(), 4, 'the trigger and three steps');
    assert.equal(await page.locator('.react-flow__edge').count(), 3, 'trigger → wait → wait until → send');
    await page.getByText('No problems found').waitFor();

    // A split whose shares do not add up to 100 is explained and marks its node.
    await node(page, 'thanks').click();
    await page.getByRole('form', { name: /Send a message \(thanks\)/ }).waitFor();
    await page.getByRole('button', { name: '+ Random split' }).click();
    const split = page.getByRole('form', { name: 'Random split (split_1)' });
    await split.waitFor();
    assert.equal(await page.locator('.react-flow__edge').count(), 4, 'the new split is joined below the selected step');
    await split.getByLabel('Path 1 share (%)').fill('40');
    const issues = page.getByRole('region', { name: 'Problems' });
    await issues.getByText('The paths’ shares add up to 90%; they must add up to 100%.').waitFor();
    await node(page, 'split_1').getByText('1 problem', { exact: true }).waitFor();
    assert.equal(await node(page, 'split_1').locator('.jn-invalid').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Save and activate' }).isDisabled(), true, 'an invalid journey cannot go live');
    await shot(page, 'journeys-02-split-error');

    await split.getByLabel('Path 1 share (%)').fill('50');
    await page.getByText('No problems found').waitFor();
    assert.equal(await node(page, 'split_1').locator('.jn-invalid').count(), 0);

    // Connect by dragging from path A's handle to the "morning" step (a loop through a wait is allowed).
    await node(page, 'split_1').locator('.react-flow__handle[data-handleid="path-0"]').dragTo(node(page, 'morning').locator('.react-flow__handle.target'));
    await page.locator('.react-flow__edge[data-id="split_1>path-0"]').waitFor({ state: 'attached' });
    assert.equal(await split.getByLabel('Path A goes to').inputValue(), 'morning');
    assert.equal(await page.locator('.react-flow__edge').count(), 5);

    // Drag a step: its place is kept in the definition.
    const before = (await node(page, 'thanks').boundingBox())!;
    await page.mouse.move(before.x + before.width / 2, before.y + 10);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2 + 160, before.y + 10, { steps: 8 });
    await page.mouse.up();
    await page.getByText('No problems found').waitFor();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved \(version 1\)/).waitFor();
    type SavedStep = { id: string; next?: string | null; paths?: { next: string | null }[]; position?: { x: number; y: number } };
    const saved = await apiGet<{ definition: { steps: SavedStep[] } }>(`/v1/journeys/${journeyId}`);
    const savedStep = (id: string) => saved.definition.steps.find((s) => s.id === id)!;
    assert.equal(savedStep('thanks').next, 'split_1');
    assert.equal(savedStep('split_1').paths?.[0]?.next, 'morning');
    assert.ok(savedStep('thanks').position!.x > 50, `moved right: ${JSON.stringify(savedStep('thanks').position)}`);

    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByText('The journey is live').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();

    // Customers enter through the API; the worker's runner moves them; the canvas shows the counts the API reports.
    for (let i = 1; i <= CUSTOMERS; i++) {
      const res = await suite.app.inject({
        method: 'POST',
        url: `/v1/journeys/${journeyId}/enter`,
        headers: { authorization: `Bearer ${shop.apiKey}` },
        payload: { customer: `J-${i}` },
      });
      assert.equal(res.statusCode, 200, res.body);
    }
    await suite.services.journeys.runUntilIdle(shop.workspaceId);
    const stats = await apiGet<{ entrants: number; perStep: { stepId: string; waiting: number; passed: number }[] }>(`/v1/journeys/${journeyId}/stats`);
    assert.equal(stats.entrants, CUSTOMERS);
    const waitStep = stats.perStep.find((s) => s.stepId === 'wait-3d')!;
    assert.ok(waitStep.waiting > 0, 'treated customers wait three days');
    await node(page, 'wait-3d').getByText(`${waitStep.waiting} waiting · ${waitStep.passed} passed`).waitFor({ timeout: 15_000 });
    await page.getByRole('region', { name: 'Results so far' }).getByText(String(CUSTOMERS), { exact: true }).first().waitFor();
    await shot(page, 'journeys-03-live-counts');

    // Keyboard: a focused node opens its form with Enter.
    await node(page, 'morning').focus();
    await page.keyboard.press('Enter');
    const morning = page.getByRole('form', { name: 'Wait until a time (morning)' });
    await morning.waitFor();

    // Editing a live journey makes a new version for new entrants.
    await morning.getByLabel('Wait until').fill('09:30');
    await page.getByText('Saving creates version 2 for new entrants').waitFor();
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText(/Saved \(version 2\)/).waitFor();
    const live = await apiGet<{ version: number; versions: { version: number }[] }>(`/v1/journeys/${journeyId}`);
    assert.equal(live.version, 2);
    // Header and two versions; the first keeps its customers.
    await page.getByRole('region', { name: 'Versions' }).getByRole('row').nth(2).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Versions' }).getByRole('row').count(), 3);
    await shot(page, 'journeys-04-new-version');

    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('button', { name: '一時停止' }).waitFor();
    await node(page, 'wait-3d').getByText(`待機中 ${waitStep.waiting} ・ 通過 ${waitStep.passed}`).waitFor();
    await page.getByRole('heading', { name: 'これまでの成果' }).waitFor();
    await shot(page, 'journeys-05-editor-ja');
    await page.getByRole('button', { name: '一時停止' }).click();
    await page.getByText('シナリオを一時停止しました').waitFor();
    await page.getByRole('button', { name: '配信を開始' }).waitFor();
    assert.equal((await apiGet<{ status: string }>(`/v1/journeys/${journeyId}`)).status, 'paused');

    // The customer 360 lists the customer's run, at the step the API says.
    let treated = '';
    for (let i = 1; i <= CUSTOMERS && !treated; i++) {
      const runs = await apiGet<{ data: { arm: string; stepId: string | null }[] }>(`/v1/customers/J-${i}/journeys`);
      if (runs.data[0]?.arm === 'treatment' && runs.data[0].stepId === 'wait-3d') treated = `J-${i}`;
    }
    assert.ok(treated, 'some customer is treated and waiting');
    await page.goto(`${suite.base}/customers/${treated}`);
    const panel = page.getByRole('region', { name: 'シナリオ' });
    await panel.getByRole('link', { name: '購入後フォロー（おすすめ商品）' }).waitFor();
    await panel.getByRole('cell', { name: 'wait-3d' }).waitFor();
    await panel.getByText('進行中').waitFor();
    await shot(page, 'journeys-06-customer-panel-ja');
    assert.deepEqual(errors, []);

    await page.getByRole('navigation', { name: 'メイン' }).getByRole('link', { name: 'シナリオ' }).click();
    await page.getByRole('heading', { level: 1, name: 'シナリオ' }).waitFor();
    await page.getByText('一時停止中', { exact: true }).first().waitFor();
    await shot(page, 'journeys-07-list-ja');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a blank journey: pickers explain what is missing, a broken condition is caught, keyboard deletes a step', async () => {
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    await page.goto(`${suite.base}/journeys`);
    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Name', { exact: true }).fill('初回購入のお礼');
    await page.getByRole('button', { name: 'Create journey' }).click();
    await page.getByRole('heading', { level: 1, name: '初回購入のお礼' }).waitFor();
    for (const id of ['wait_1', 'exit_1']) await node(page, id).waitFor();
    await page.getByText('No problems found').waitFor();

    // A coupon step with no campaign chosen: the picker says there is none yet, the problem list says what to do.
    await node(page, 'wait_1').click();
    await page.getByRole('button', { name: '+ Issue a coupon' }).click();
    const coupon = page.getByRole('form', { name: 'Issue a coupon (coupon_1)' });
    await coupon.getByText('No coupon campaigns yet').waitFor();
    await page.getByRole('region', { name: 'Problems' }).getByText('Choose the coupon campaign to issue.').waitFor();

    // Delete it from the keyboard: focus the node, Delete.
    await node(page, 'coupon_1').focus();
    await page.keyboard.press('Delete');
    await node(page, 'coupon_1').waitFor({ state: 'detached' });

    // A branch condition that is not JSON: said next to the field, marked on the node, saving waits.
    await node(page, 'wait_1').click();
    await page.getByRole('button', { name: '+ Branch' }).click();
    const branch = page.getByRole('form', { name: 'Branch (branch_1)' });
    await branch.getByLabel('Condition (segment rule, JSON)').fill('{"version": 1, "match": ');
    await branch.getByText('This is not valid JSON').waitFor();
    await node(page, 'branch_1').getByText('1 problem', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true);
    await shot(page, 'journeys-08-branch-json-error');
    await branch.getByLabel('Condition (segment rule, JSON)').fill('{"version": 1, "match": {"type": "orders", "aggregate": "count", "op": "gte", "value": 2}}');
    await page.getByText('No problems found').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved \(version 1\)/).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an analyst sees the journey and its counts but cannot change it', async () => {
    assert.ok(journeyId, 'the first test made a journey');
    const email = `analyst-${Math.random().toString(36).slice(2)}@example.jp`;
    await suite.services.users.create(shop.workspaceId, { email, role: 'analyst', password: PASSWORD });
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    await page.goto(`${suite.base}/journeys/${journeyId}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('only marketers and admins can change it').waitFor();
    await node(page, 'wait-3d').getByText(/\d+ waiting/).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Save/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: '+ Wait', exact: true }).isDisabled(), true);
    await page.getByRole('link', { name: 'All journeys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Journeys' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Switch on/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Start a blank journey' }).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/** A workspace with an admin and a few customers to enter the journey. */
async function seedShop(app: App, services: Services) {
  const { ws, email, apiKey, post } = await adminShop(app, services, 'Journey test shop', PASSWORD);
  await post('/v1/customers', {
    customers: Array.from({ length: CUSTOMERS }, (_, i) => ({
      externalId: `J-${i + 1}`,
      email: `j${i + 1}@example.jp`,
      familyName: '鈴木',
      givenName: `一郎${i + 1}`,
      consents: [{ channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-04T01:00:00Z' }],
    })),
  });
  return { workspaceId: ws, email, apiKey };
}
