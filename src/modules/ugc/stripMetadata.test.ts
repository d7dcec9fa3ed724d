import assert from 'node:assert/strict';
import { test } from 'node:test';
import exifr from 'exifr';
import { ValidationError } from '../../kernel/errors.ts';
import { exifTiff, heicWithMetadata, JPEG, jpegWithMetadata, pngWithMetadata, WEBP, webpWithMetadata, XMP } from './photoFixtures.ts';
import { stripMetadata } from './stripMetadata.ts';
import { PNG } from './testKit.ts';

// exifr, an independent reader, proves each fixture carries a position before and none after.
const position = async (bytes: Buffer) => (await exifr.gps(bytes)) ?? undefined;

test('JPEG: EXIF, XMP, IPTC, comments and trailers go; the image segments and the orientation stay', async () => {
  const input = jpegWithMetadata();
  assert.ok(await position(input), 'the fixture has a GPS position');
  const out = stripMetadata(input, 'image/jpeg');
  assert.equal(await position(out), undefined);
  assert.deepEqual(await exifr.parse(out, { tiff: true, xmp: true, iptc: true, mergeOutput: false }), { ifd0: { Orientation: 'Rotate 90 CW' } });
  for (const text of ['ns.adobe.com', 'Photoshop 3.0', 'Shibuya', 'Shot at', 'MotionPhoto', 'Phone']) assert.ok(!out.includes(text), text);
  // What is left is the original image (JFIF, ICC profile, tables, scan) plus a 36-byte EXIF holding only the orientation.
  assert.deepEqual(Buffer.concat([out.subarray(0, 2), out.subarray(38)]), JPEG);
  assert.deepEqual(stripMetadata(JPEG, 'image/jpeg'), JPEG, 'a clean JPEG is unchanged');
});

test('PNG: tEXt, iTXt, eXIf and tIME chunks go, the image chunks stay byte for byte', async () => {
  const input = pngWithMetadata(PNG);
  assert.ok(await position(input));
  const out = stripMetadata(input, 'image/png');
  assert.deepEqual(out, PNG);
});

test('WebP: EXIF and XMP chunks go, their VP8X flags are cleared and the RIFF size fixed', () => {
  const input = webpWithMetadata();
  assert.ok(input.includes(exifTiff()) && input.includes(XMP));
  const out = stripMetadata(input, 'image/webp');
  assert.deepEqual(out, WEBP);
  assert.equal(out.readUInt32LE(4), out.length - 8);
});

test('HEIC: the EXIF and XMP items are blanked in place, so every other offset stays valid', async () => {
  const image = Buffer.from('HEVC coded image data');
  const input = heicWithMetadata(image);
  assert.ok(await position(input));
  const out = stripMetadata(input, 'image/heic');
  assert.equal(out.length, input.length);
  assert.equal(await position(out), undefined);
  assert.ok(!out.includes(exifTiff().subarray(8, 60)) && !out.includes('GPSLatitude') && !out.includes('Phone'));
  assert.equal(out.indexOf(image), input.indexOf(image), 'the image item is where iloc says');
  assert.deepEqual(input.subarray(0, input.indexOf(image)), out.subarray(0, out.indexOf(image)), 'boxes before the data are untouched');
});

test('a file whose structure cannot be followed is refused, naming the photo field', () => {
  const damaged: [string, Buffer][] = [
    ['image/jpeg', JPEG.subarray(0, 300)],
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0x00])],
    ['image/png', Buffer.concat([PNG.subarray(0, 8), Buffer.from([0x7f, 0, 0, 0]), Buffer.from('IHDR')])],
    ['image/webp', Buffer.from('RIFF\x10\0\0\0WEBPVP8 \xff\0\0\0', 'latin1')],
    ['image/heic', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1')],
  ];
  for (const [type, bytes] of damaged) {
    assert.throws(() => stripMetadata(bytes, type), (err: unknown) => err instanceof ValidationError && err.issues[0]!.path[0] === 'photo', type);
  }
});
