import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CODE_ALPHABET, DEFAULT_CODE_LENGTH, normalizeCode, randomCodes } from './codes.ts';

test('the alphabet has no look-alikes: no 0/O, 1/I/L, nor U', () => {
  assert.equal(CODE_ALPHABET.length, 30);
  assert.equal(new Set(CODE_ALPHABET).size, 30);
  for (const c of '01OILU') assert.ok(!CODE_ALPHABET.includes(c), c);
});

test('codes: the prefix, then the requested number of alphabet symbols, all distinct', () => {
  const codes = randomCodes(20_000, 10, 'SUMMER');
  const pattern = new RegExp(`^SUMMER[${CODE_ALPHABET}]{10}$`);
  for (const code of codes) assert.match(code, pattern);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(randomCodes(3)[0]!.length, DEFAULT_CODE_LENGTH);
});

test('every symbol is about equally likely (rejection sampling, no modulo bias)', () => {
  const counts = new Map<string, number>();
  for (const code of randomCodes(20_000, 12)) for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
  const expected = (20_000 * 12) / 30;
  // 240,000 draws: a symbol's count has a standard deviation of ~88; 6σ never fails by chance.
  for (const c of CODE_ALPHABET) assert.ok(Math.abs(counts.get(c)! - expected) < 6 * Math.sqrt(expected), `${c}: ${counts.get(c)}`);
});

test('a typed code is normalized: case, spaces, hyphens, full-width', () => {
  assert.equal(normalizeCode(' abcd-efgh jkmn '), 'ABCDEFGHJKMN');
  assert.equal(normalizeCode('ＡＢＣＤ－２３４５'), 'ABCD2345');
});
