import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { csvExport, exportLang, localTimestamp } from './exportRows.ts';

const columns = [{ header: { en: 'Name', ja: '氏名' } }, { header: { en: 'Ordered at', ja: '注文日時' } }, { header: { en: 'Note', ja: '備考' } }];
const rows = [
  ['山田 太郎', new Date('2026-11-30T15:30:00Z'), '=HYPERLINK("x")'],
  ['髙橋, 花子', null, 'line\nbreak'],
];

test('UTF-8 with a BOM by default, headers in the language, times in the zone with the offset, formulas defused', async () => {
  const out = (await buffer(csvExport(columns, rows, { encoding: 'utf-8', lang: 'ja', timeZone: 'Asia/Tokyo' }))).toString('utf8');
  assert.equal(out, '\uFEFF氏名,注文日時,備考\r\n山田 太郎,2026-12-01T00:30:00+09:00,"\'=HYPERLINK(""x"")"\r\n"髙橋, 花子",,"line\nbreak"\r\n');
});

test('Shift_JIS (CP932, so 髙 survives) without a BOM; English headers', async () => {
  const stream = csvExport(columns, rows, { encoding: 'shift_jis', lang: 'en', timeZone: 'America/New_York' });
  const bytes = await buffer(stream);
  assert.notEqual(bytes[0], 0xef);
  const decoded = iconv.decode(bytes, 'cp932');
  assert.ok(decoded.startsWith('Name,Ordered at,Note\r\n山田 太郎,2026-11-30T10:30:00-05:00,'), decoded);
  assert.ok(decoded.includes('"髙橋, 花子"'));
});

test('local timestamps across zones and DST; the export language falls back to the workspace locale', () => {
  assert.equal(localTimestamp(new Date('2026-07-01T12:00:00Z'), 'America/New_York'), '2026-07-01T08:00:00-04:00');
  assert.equal(localTimestamp(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata'), '2026-07-01T17:30:00+05:30');
  assert.equal(localTimestamp(new Date('2026-07-01T12:00:00Z'), 'UTC'), '2026-07-01T12:00:00+00:00');
  assert.equal(exportLang(undefined, 'en-US'), 'en');
  assert.equal(exportLang(undefined, 'ja'), 'ja');
  assert.equal(exportLang('en', 'ja'), 'en');
});
