/**
 * The settings screens and the layout in a real browser (Debian's Chromium through playwright-core):
 * on a short laptop screen (1366×700) the sidebar's last items can be scrolled to; at 1280×720 and
 * on a phone (390×844, the sidebar a drawer) the main pages fit the width; an admin saves the sender
 * identity and changes a user's role, in Japanese and in English, and sees the API's refusals in
 * that language next to the field. Screenshots go to test-artifacts/screenshots/settings-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, describeInBrowser, recordErrors, screenshot } from './browserHarness.ts';

const PASSWORD = 'browser test passphrase';
const LAPTOP = { viewport: { width: 1280, height: 720 } };
const SHORT = { viewport: { width: 1366, height: 700 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** The pages a person lands on most; each must fit the width at both sizes. */
const MAIN_PAGES = ['/overview', '/customers', '/segments', '/campaigns', '/loyalty', '/settings/channels', '/settings/users', '/settings/api-keys'];

const TEXT = {
  ja: {
    email: 'メールアドレス',
    password: 'パスワード',
    signIn: 'ログイン',
    menu: 'メニュー',
    signOut: 'ログアウト',
    channels: 'チャネル',
    users: 'ユーザーとロール',
    senderName: '送信者名',
    postalCode: '郵便番号（〒）',
    badFormat: '形式が正しくありません',
    save: '保存',
    saved: '保存しました。',
    lastAdmin: 'このワークスペース最後の管理者です。先に他のユーザーを管理者にしてください。',
    emailToOutbox: 'メール（SMTP）のメッセージをアウトボックスに保存',
    roleOf: (email: string) => `${email} のロール`,
    roleChanged: (email: string) => `${email} のロールをアナリスト（閲覧のみ）に変更しました。`,
  },
  en: {
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    menu: 'Menu',
    signOut: 'Sign out',
    channels: 'Channels',
    users: 'Users and roles',
    senderName: 'Sender name',
    postalCode: 'Postal code (〒) (optional)',
    badFormat: 'Not in the expected format',
    save: 'Save',
    saved: 'Saved.',
    lastAdmin: 'This is the workspace’s last admin. Make someone else admin first.',
    emailToOutbox: 'Keep Email (SMTP) messages in the outbox',
    roleOf: (email: string) => `Role of ${email}`,
    roleChanged: (email: string) => `The role of ${email} is now Analyst (read-only).`,
  },
} as const;

describeInBrowser('settings screens and layouts in Chromium', (t) => {
  const suite = browserSuite(t);
  let workspaceId = '';
  const errors: string[] = [];
  const people = { admin: '', analyst: '' };

  before(async () => {
    const { workspace } = await suite.services.workspaces.create({ name: '絆ストア' });
    workspaceId = workspace.id;
    const email = (role: string) => `${role}-${Math.random().toString(36).slice(2)}@example.jp`;
    people.admin = email('admin');
    people.analyst = email('analyst');
    await suite.services.users.create(workspace.id, { email: people.admin, name: 'Admin', role: 'admin', password: PASSWORD });
    await suite.services.users.create(workspace.id, { email: people.analyst, role: 'analyst', password: PASSWORD });
  });

  const signedIn = async (who: string, locale: 'ja' | 'en', device: object): Promise<Page> => {
    const context = await suite.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', ...device });
    const page = await context.newPage();
    // Refusals the test provokes (400, 409) and the signed-out first GET /v1/session log a failed resource.
    recordErrors(page, errors);
    await page.goto(`${suite.base}/`);
    await page.getByLabel(TEXT[locale].email).fill(who);
    await page.getByLabel(TEXT[locale].password).fill(PASSWORD);
    await page.getByRole('button', { name: TEXT[locale].signIn }).click();
    await page.locator('main#main h1').first().waitFor();
    return page;
  };

  /** Opens `path` and waits for its heading and for its data to load. */
  const open = async (page: Page, path: string) => {
    await page.goto(`${suite.base}${path}`);
    await page.locator('main#main h1').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[role="status"] .spinner').length === 0);
  };
  /** Nothing sticks out sideways; else the first elements that do, to say where. */
  const assertFits = async (page: Page, what: string) => {
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      const out = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1);
      return out.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)}px)`);
    });
    assert.deepEqual(wide, [], `${what}: nothing wider than the window`);
  };

  /** The element is on screen once scrolled to: inside the viewport, not covered by anything. */
  const reachable = async (page: Page, selector: string) => {
    const target = page.locator(selector).last();
    await target.scrollIntoViewIfNeeded();
    assert.ok(await target.isVisible(), `${selector} is visible`);
    const onTop = await target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.bottom <= window.innerHeight && r.top >= 0 && (hit === el || el.contains(hit));
    });
    assert.ok(onTop, `${selector} is inside the viewport and not covered`);
  };

  test('the sidebar scrolls on a short screen; pages fit 1280×720 and a phone, where the sidebar is a drawer', async () => {
    const short = await signedIn(people.admin, 'en', SHORT);
    await open(short, '/settings/users');
    assert.ok(await short.locator('.sidebar').evaluate((el) => el.scrollHeight > el.clientHeight), 'the sidebar is taller than a 700px window, so this test means something');
    await reachable(short, '.sidebar nav a');
    await reachable(short, '.sidebar-footer button');
    await short.getByRole('link', { name: 'API keys' }).click();
    await short.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await screenshot(short, 'settings-01-short-screen-sidebar-scrolled');

    const laptop = await signedIn(people.admin, 'ja', LAPTOP);
    for (const path of MAIN_PAGES) {
      await open(laptop, path);
      await assertFits(laptop, `${path} at 1280px`);
    }
    await screenshot(laptop, 'settings-02-laptop-api-keys');

    const phone = await signedIn(people.admin, 'ja', PHONE);
    for (const path of MAIN_PAGES) {
      await open(phone, path);
      await assertFits(phone, `${path} at 390px`);
      assert.equal(await phone.locator('.sidebar').isVisible(), false, 'the drawer is closed');
    }
    await screenshot(phone, 'settings-03-phone-users');
    await phone.getByRole('button', { name: TEXT.ja.menu }).click();
    await reachable(phone, '.sidebar nav a');
    await reachable(phone, '.sidebar-footer button');
    await screenshot(phone, 'settings-04-phone-drawer');
    await phone.getByRole('link', { name: TEXT.ja.channels }).click();
    await phone.getByRole('heading', { level: 1, name: TEXT.ja.channels }).waitFor();
    await phone.locator('.sidebar').waitFor({ state: 'hidden' }); // following a link closes the drawer
    await screenshot(phone, 'settings-05-phone-channels');
    assert.deepEqual(errors, []);
  });

  for (const locale of ['ja', 'en'] as const) {
    test(`an admin saves the sender identity and changes a user's role (${locale})`, async () => {
      const say = TEXT[locale];
      const colleague = `colleague-${locale}-${Math.random().toString(36).slice(2)}@example.jp`;
      await suite.services.users.create(workspaceId, { email: colleague, role: 'marketer', password: PASSWORD });
      const page = await signedIn(people.admin, locale, LAPTOP);

      await page.getByRole('navigation').getByRole('link', { name: say.channels }).click();
      await page.getByRole('heading', { level: 1, name: say.channels }).waitFor();
      const name = `絆ストア ${locale}`;
      await page.getByLabel(say.senderName).fill(name);
      await page.locator('#sender-email').fill('news@kizuna-shop.example.jp');
      await page.locator('#sender-postalAddress').fill('東京都千代田区丸の内1-1-1');
      await page.locator('#sender-contactPhone').fill('03-1234-5678');
      await page.locator('#public-base-url').fill('https://kizuna.example.jp');
      await page.locator('#sender-postalCode').fill('100-0005');
      await page.getByRole('button', { name: say.save, exact: true }).click();
      // The API's complaint, in the interface language, under the field it names.
      await page.locator('#sender-postalCode-error').getByText(say.badFormat).waitFor();
      assert.equal(await page.locator('#sender-postalCode').getAttribute('aria-invalid'), 'true');
      await screenshot(page, `settings-06-channels-field-error-${locale}`);
      await page.locator('#sender-postalCode').fill('1000005');
      await page.getByLabel(say.emailToOutbox).setChecked(locale === 'ja');
      await page.getByRole('button', { name: say.save, exact: true }).click();
      await page.getByText(say.saved).waitFor();
      const stored = await suite.services.messaging.getSettings(workspaceId);
      assert.deepEqual([stored.sender.name, stored.sender.postalCode, stored.sender.contactPhone], [name, '1000005', '03-1234-5678']);
      assert.deepEqual(stored.outbox?.channels, locale === 'ja' ? ['email'] : undefined, 'the outbox box is saved, and unticking it removes the outbox');
      await screenshot(page, `settings-07-channels-saved-${locale}`);

      await page.getByRole('navigation').getByRole('link', { name: say.users }).click();
      await page.getByRole('heading', { level: 1, name: say.users }).waitFor();
      await page.getByLabel(say.roleOf(colleague)).selectOption('analyst');
      await page.getByText(say.roleChanged(colleague)).waitFor();
      assert.equal((await suite.services.users.findByEmail(colleague))?.role, 'analyst');
      // The only admin cannot demote themself: the refusal is worded in the interface language.
      await page.getByLabel(say.roleOf(people.admin)).selectOption('marketer');
      await page.getByRole('alert').getByText(say.lastAdmin).waitFor();
      assert.equal((await suite.services.users.findByEmail(people.admin))?.role, 'admin');
      await screenshot(page, `settings-08-users-last-admin-${locale}`);
      assert.deepEqual(errors, []);
    });
  }

  test('an admin invites someone by link; opening it, they choose a password and are signed in', async () => {
    const page = await signedIn(people.admin, 'en', LAPTOP);
    await open(page, '/settings/users');
    const invitee = `invitee-${Math.random().toString(36).slice(2)}@example.jp`;
    await page.getByLabel('Email', { exact: true }).fill(invitee);
    await page.getByLabel('Role', { exact: true }).selectOption('marketer');
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = (await page.locator('.notice-success code').textContent())!.trim();
    assert.match(link, new RegExp(`^${suite.base}/invite/[A-Za-z0-9_-]{43}$`));
    await page.getByRole('table', { name: 'Invitations not yet accepted' }).getByRole('cell', { name: invitee, exact: true }).waitFor();

    const guest = await suite.browser.newContext({ locale: 'ja-JP', ...PHONE });
    const join = await guest.newPage();
    await join.goto(link);
    await join.getByRole('heading', { level: 1, name: '絆ストア に参加' }).waitFor();
    await join.getByLabel('パスワード（12 文字以上）').fill('short');
    await join.getByRole('button', { name: '参加してログイン' }).click();
    await join.locator('#invite-accept-password-error').getByText('短すぎるか、小さすぎます').waitFor();
    await screenshot(join, 'settings-09-invitation-phone-ja');
    await join.getByLabel('パスワード（12 文字以上）').fill(PASSWORD);
    await join.getByRole('button', { name: '参加してログイン' }).click();
    await join.locator('.account-email', { hasText: invitee }).waitFor({ state: 'attached' });
    assert.equal((await suite.services.users.findByEmail(invitee))?.role, 'marketer');
    assert.deepEqual(errors, []);
  });

  test('other roles see no settings links, and a settings page opened directly refuses them', async () => {
    const page = await signedIn(people.analyst, 'en', LAPTOP);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Channels' }).count(), 0);
    await open(page, '/settings/channels');
    await page.getByText('Only admins can change settings.').waitFor();
    assert.equal(await page.locator('#sender-name').count(), 0);
  });
});
