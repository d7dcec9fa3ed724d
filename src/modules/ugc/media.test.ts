import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KizunaError } from '../../kernel/errors.ts';
import { checkPhoto, MAX_PHOTO_BYTES } from './media.ts';
import { PNG } from './testKit.ts';

const pad = (head: Buffer) => Buffer.concat([head, Buffer.alloc(64)]);
const ftyp = (brand: string) => pad(Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}\0\0\0\0${brand}mif1`, 'latin1')]));

test('photos are typed by their magic bytes: JPEG, PNG, WebP and HEIC pass; others are 415, too big is 413, empty is 400', async () => {
  const type = async (bytes: Buffer) => (await checkPhoto(bytes)).contentType;
  assert.equal(await type(pad(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]))), 'image/jpeg');
  assert.equal(await type(PNG), 'image/png');
  assert.equal(await type(pad(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))), 'image/webp');
  assert.equal(await type(ftyp('heic')), 'image/heic');
  const status = (p: Promise<unknown>) => p.then(() => 200, (err: unknown) => (err instanceof KizunaError ? err.status : 500));
  assert.equal(await status(checkPhoto(pad(Buffer.from('GIF89a', 'latin1')))), 415);
  assert.equal(await status(checkPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))), 415);
  assert.equal(await status(checkPhoto(Buffer.from('%PDF-1.7\n'.repeat(10)))), 415);
  assert.equal(await status(checkPhoto(Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES)]))), 413);
  assert.equal(await status(checkPhoto(Buffer.alloc(0))), 400);
});
