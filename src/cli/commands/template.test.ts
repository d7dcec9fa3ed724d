import assert from 'node:assert/strict';
import { test } from 'node:test';
import { templateInput } from '../../modules/messaging/types.ts';
import { kizunaHere } from '../cliTestKit.ts';

const kizuna = (...args: string[]) => kizunaHere(['template', ...args], { ...process.env, LOG_LEVEL: 'silent' });

test('kizuna template starters lists the library (text in ja or en, or JSON); show prints a template a campaign accepts', async () => {
  const ja = await kizuna('starters');
  assert.equal(ja.code, 0, ja.stderr);
  assert.match(ja.stdout, /^birthday +email,line,sms,push +お誕生日のお祝い$/m);
  assert.match((await kizuna('starters', '--lang', 'en')).stdout, /^reactivation +email,line,sms +Win back dormant customers$/m);
  const json = JSON.parse((await kizuna('starters', '--json')).stdout) as { key: string }[];
  assert.ok(json.length >= 12 && json.some((s) => s.key === 'newsletter'));

  const shown = await kizuna('show', 'newsletter', '--channel', 'line', '--lang', 'en');
  assert.equal(shown.code, 0, shown.stderr);
  const template = templateInput.parse(JSON.parse(shown.stdout));
  assert.equal(template.channel === 'line' && (template.flex as { type: string }).type, 'carousel');

  const missing = await kizuna('show', 'onboarding', '--channel', 'sms');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /has no sms template \(it has email\)/);
  assert.equal((await kizuna('starters', '--lang', 'fr')).code, 2);
});
