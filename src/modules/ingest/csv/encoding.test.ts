import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { ValidationError } from '../../../kernel/errors.ts';
import { decodeCsv, type EncodingOption } from './encoding.ts';

async function decode(chunks: Buffer[], option?: EncodingOption): Promise<{ text: string; encoding: string }> {
  async function* source() {
    yield* chunks;
  }
  const decoded = decodeCsv(source(), option);
  let text = '';
  for await (const s of decoded.text) text += s;
  return { text, encoding: decoded.encoding() };
}

/** Splits at every byte: a multi-byte character is always cut somewhere. */
const bytewise = (b: Buffer) => [...b].map((x) => Buffer.from([x]));

const SAMPLE = '顧客ID,氏名\nC1,山田　太郎\nC2,髙橋①\n';

test('UTF-8 with a BOM: the BOM is dropped', async () => {
  const r = await decode([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)])]);
  assert.deepEqual(r, { text: SAMPLE, encoding: 'utf8' });
});

test('UTF-8 without a BOM, cut at every byte', async () => {
  assert.deepEqual(await decode(bytewise(Buffer.from(SAMPLE))), { text: SAMPLE, encoding: 'utf8' });
});

test('CP932 as Excel writes it (including ① and 髙), cut at every byte', async () => {
  const bytes = iconv.encode(SAMPLE, 'cp932');
  assert.deepEqual(await decode([bytes]), { text: SAMPLE, encoding: 'cp932' });
  assert.deepEqual(await decode(bytewise(bytes)), { text: SAMPLE, encoding: 'cp932' });
});

test('Japanese that starts far into the file is still detected', async () => {
  const text = `id,name\n${'1,abc\n'.repeat(50_000)}2,日本語\n`;
  assert.deepEqual(await decode([iconv.encode(text, 'cp932')]), { text, encoding: 'cp932' });
  assert.deepEqual(await decode([Buffer.from(text)]), { text, encoding: 'utf8' });
});

test('a long Japanese file in chunks that cut characters, past the detection sample', async () => {
  const text = SAMPLE.repeat(5000);
  for (const encoding of ['utf8', 'cp932'] as const) {
    const bytes = encoding === 'utf8' ? Buffer.from(text) : iconv.encode(text, 'cp932');
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    assert.deepEqual(await decode(chunks), { text, encoding });
  }
});

test('an ASCII-only file is UTF-8', async () => {
  assert.deepEqual(await decode([Buffer.from('a,b\n1,2\n')]), { text: 'a,b\n1,2\n', encoding: 'utf8' });
});

test('--encoding overrides detection', async () => {
  const r = await decode([iconv.encode(SAMPLE, 'cp932')], 'sjis');
  assert.equal(r.text, SAMPLE);
  await assert.rejects(decode([iconv.encode(SAMPLE, 'cp932')], 'utf8'), (err: Error) => err instanceof ValidationError && /not valid UTF-8/.test(err.message));
});

test('UTF-16 is refused with advice', async () => {
  await assert.rejects(decode([Buffer.from([0xff, 0xfe, 0x41, 0x00])]), /UTF-16/);
});
