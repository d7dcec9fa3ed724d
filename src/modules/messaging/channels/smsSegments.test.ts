import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smsSegments } from './smsSegments.ts';

test('plain ASCII is GSM-7: 160 septets in one segment, 161 in two of 153', () => {
  assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160, nonGsm: [] });
  assert.deepEqual(smsSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153, nonGsm: [] });
  assert.equal(smsSegments('a'.repeat(306)).segments, 2);
  assert.equal(smsSegments('a'.repeat(307)).segments, 3);
});

test('extension table characters (€ [ ] { } ~ ^ | \\) take two septets and keep GSM-7', () => {
  const s = smsSegments('€'.repeat(80));
  assert.equal(s.encoding, 'GSM-7');
  assert.equal(s.units, 160);
  assert.equal(s.segments, 1);
  assert.equal(smsSegments(`${'a'.repeat(159)}[`).segments, 2);
  // The escape and its character are never split: 152 + a 2-septet character opens the second part.
  assert.equal(smsSegments(`${'a'.repeat(152)}${'{'.repeat(77)}`).segments, 3);
  assert.equal(smsSegments(`${'a'.repeat(151)}${'{'.repeat(77)}`).segments, 2);
});

test('GSM-7 basic characters beyond ASCII (£ ¥ é Δ Ü) stay GSM-7 at one septet', () => {
  assert.deepEqual(smsSegments('£¥éΔÜ'), { encoding: 'GSM-7', units: 5, segments: 1, perSegment: 160, nonGsm: [] });
});

test('Japanese makes the message UCS-2: 70 units in one segment, 71 in two of 67', () => {
  assert.deepEqual(smsSegments('あ'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1, perSegment: 70, nonGsm: ['あ'] });
  assert.equal(smsSegments('あ'.repeat(71)).segments, 2);
  assert.equal(smsSegments('あ'.repeat(134)).segments, 2);
  assert.equal(smsSegments('あ'.repeat(135)).segments, 3);
});

test('one non-GSM character turns the whole text UCS-2 and is named', () => {
  const s = smsSegments(`${'a'.repeat(100)}。`);
  assert.equal(s.encoding, 'UCS-2');
  assert.equal(s.units, 101);
  assert.equal(s.segments, 2);
  assert.deepEqual(s.nonGsm, ['。']);
  // A curly apostrophe is a common accidental UCS-2.
  assert.deepEqual(smsSegments('it’s ok').nonGsm, ['’']);
});

test('surrogate pairs (emoji, 𠮷) count two units and are not split across segments', () => {
  assert.equal(smsSegments('😀').units, 2);
  assert.equal(smsSegments('𠮷野家').units, 4);
  assert.equal(smsSegments('😀'.repeat(35)).segments, 1);
  assert.equal(smsSegments('😀'.repeat(36)).segments, 2);
  // 66 units then a pair: 68 would not fit the first part of 67, so the pair opens the second.
  assert.equal(smsSegments(`${'あ'.repeat(66)}${'😀'.repeat(34)}`).segments, 3);
  assert.equal(smsSegments(`${'あ'.repeat(65)}${'😀'.repeat(34)}`).segments, 2);
});

test('an empty text is no segment', () => {
  assert.equal(smsSegments('').segments, 0);
});
