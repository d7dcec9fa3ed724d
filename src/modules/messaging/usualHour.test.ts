import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hourHistogram, nextUsualTime, peakHour, usualHour } from './usualHour.ts';

const at = (iso: string) => new Date(iso);

test("engagement is counted by the customer's local hour (Tokyo: 10:00 UTC is 19:00)", () => {
  const h = hourHistogram([at('2026-11-01T10:00:00Z'), at('2026-11-02T10:59:00Z'), at('2026-11-03T23:30:00Z')], 'Asia/Tokyo');
  assert.equal(h[19], 2);
  assert.equal(h[8], 1);
  assert.equal(h.reduce((a, b) => a + b), 3);
});

test('the peak is smoothed with the neighbouring hours: an evening habit beats a single busier morning hour', () => {
  const h = new Array<number>(24).fill(0);
  h[8] = 3;
  h[19] = 2;
  h[20] = 2;
  h[21] = 1;
  assert.equal(peakHour(h), 20);
});

test("too little of their own history: the workspace's habit; none at all: no usual hour", () => {
  const own = new Array<number>(24).fill(0);
  own[7] = 2;
  const ws = new Array<number>(24).fill(0);
  ws[12] = 50;
  assert.deepEqual(usualHour(own, ws), { hour: 12, source: 'workspace' });
  own[7] = 3;
  assert.deepEqual(usualHour(own, ws), { hour: 7, source: 'own' });
  assert.equal(usualHour(new Array<number>(24).fill(0), new Array<number>(24).fill(0)), null);
});

test('the next occurrence of the hour in the time zone, within the window', () => {
  // 09:00 in Tokyo; 20:00 Tokyo is 11:00 UTC the same day.
  assert.equal(nextUsualTime(at('2026-12-06T00:00:00Z'), 20, 'Asia/Tokyo', { windowHours: 24 }).toISOString(), '2026-12-06T11:00:00.000Z');
  // Already past 08:00 today: tomorrow's.
  assert.equal(nextUsualTime(at('2026-12-06T00:00:00Z'), 8, 'Asia/Tokyo', { windowHours: 24 }).toISOString(), '2026-12-06T23:00:00.000Z');
  // Half-hour zones: 09:00 in Kolkata is 03:30 UTC.
  assert.equal(nextUsualTime(at('2026-12-06T00:00:00Z'), 9, 'Asia/Kolkata', { windowHours: 24 }).toISOString(), '2026-12-06T03:30:00.000Z');
});

test('an hour inside quiet hours moves to their end, to the minute', () => {
  const quiet = { start: '21:00', end: '08:10' };
  assert.equal(nextUsualTime(at('2026-12-06T00:00:00Z'), 23, 'Asia/Tokyo', { windowHours: 24, quietHours: quiet }).toISOString(), '2026-12-06T23:10:00.000Z');
});

test('an hour the clock skips (DST gap) within the window leaves the time as it is; the gate still applies', () => {
  // New York springs forward at 02:00 on 2026-03-08: 02:00 does not exist that day.
  const now = at('2026-03-08T05:00:00Z');
  assert.equal(nextUsualTime(now, 2, 'America/New_York', { windowHours: 24 }).getTime(), now.getTime());
});
