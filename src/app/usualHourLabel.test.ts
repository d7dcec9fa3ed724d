/**
 * The usual-hour option's label states what the code does (src/modules/messaging/usualHour.ts): within
 * the default window, never in quiet hours, within caps, and the workspace's hour under MIN_OWN_EVENTS.
 * It once read "within quiet hours" (ja 配信停止時間帯と上限の範囲内), i.e. *during* them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, ja } from '../../web/src/areas/campaigns/messages.ts';
import { sendTimeInput } from '../modules/messaging/abTestInput.ts';
import { MIN_OWN_EVENTS } from '../modules/messaging/usualHour.ts';

const windowHours = (sendTimeInput.parse({ mode: 'usual_hour' }) as { windowHours: number }).windowHours;

test('usual-hour label (en): never in quiet hours, within caps, the window and the workspace fallback', () => {
  const s = en['campaigns.ab.sendUsualHour'];
  assert.doesNotMatch(s, /within quiet hours/);
  assert.match(s, /never in quiet hours/);
  assert.match(s, /within frequency caps/);
  assert.match(s, new RegExp(`within the next ${windowHours} h`));
  assert.match(s, new RegExp(`fewer than ${MIN_OWN_EVENTS} .*workspace`));
});

test('usual-hour label (ja): 配信停止時間帯には送らない、上限を守る、24時間以内、3回未満はワークスペース', () => {
  const s = ja['campaigns.ab.sendUsualHour'];
  assert.doesNotMatch(s, /配信停止時間帯と上限の範囲内/);
  assert.match(s, /配信停止時間帯には送らず/);
  assert.match(s, /上限を守ります/);
  assert.match(s, new RegExp(`${windowHours}時間以内`));
  assert.match(s, new RegExp(`${MIN_OWN_EVENTS}回未満.*ワークスペース`));
});
