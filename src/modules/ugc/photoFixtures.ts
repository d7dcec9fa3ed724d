/**
 * Photos with the metadata a phone writes (EXIF with a GPS position, XMP, IPTC, comments, text
 * chunks), built around small real images, for the tests that check it is gone after upload.
 */

/** An 8×8 JPEG as Chromium encodes a canvas (JFIF, an ICC profile, baseline scan). */
export const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAZEAADAAMAAAAAAAAAAAAAAAAAAxETIWH/xAAVAQEBAAAAAAAAAAAAAAAAAAAEBv/EABgRAQADAQAAAAAAAAAAAAAAAAIAAxIx/9oADAMBAAIRAxEAPwCYpeO7t4AA1lisWl2UIBByeT//2Q==',
  'base64',
);

/** An 8×8 lossy WebP as Chromium encodes a canvas (VP8X with an ICC profile). */
export const WEBP = Buffer.from(
  'UklGRiwCAABXRUJQVlA4WAoAAAAgAAAABwAABwAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggPgAAAPABAJ0BKggACAACwEwlsAJ0ugACsxAxAAD+6/HwB/sUv/SUftiEFRDvY23/4NaZi/rKO6uR3/Yb7DeGgAAA',
  'base64',
);

/** Shibuya crossing, as degrees/minutes/seconds. */
export const GPS = { latitude: [35, 39, 29.5], longitude: [139, 42, 0.5] } as const;

/**
 * A little-endian TIFF structure as EXIF holds it: IFD0 with Make, Orientation 6 (rotate 90°) and a
 * GPS IFD with the latitude and longitude of `GPS`.
 */
export function exifTiff(): Buffer {
  const b = Buffer.alloc(158);
  b.write('II\x2a\0', 0, 'latin1');
  b.writeUInt32LE(8, 4);
  const entry = (at: number, tag: number, type: number, count: number, value: number | string) => {
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(count, at + 4);
    if (typeof value === 'string') b.write(value, at + 8, 'latin1');
    else if (type === 3) b.writeUInt16LE(value, at + 8);
    else b.writeUInt32LE(value, at + 8);
  };
  const rationals = (at: number, values: readonly number[]) =>
    values.forEach((v, i) => {
      b.writeUInt32LE(Math.round(v * 100), at + i * 8);
      b.writeUInt32LE(100, at + i * 8 + 4);
    });
  b.writeUInt16LE(3, 8); // IFD0: 3 entries, next IFD 0
  entry(10, 0x010f, 2, 6, 50); // Make → "Phone\0" at 50
  entry(22, 0x0112, 3, 1, 6); // Orientation
  entry(34, 0x8825, 4, 1, 56); // GPS IFD at 56
  b.write('Phone\0', 50, 'latin1');
  b.writeUInt16LE(4, 56); // GPS IFD: 4 entries, next IFD 0
  entry(58, 0x0001, 2, 2, 'N\0');
  entry(70, 0x0002, 5, 3, 110);
  entry(82, 0x0003, 2, 2, 'E\0');
  entry(94, 0x0004, 5, 3, 134);
  rationals(110, GPS.latitude);
  rationals(134, GPS.longitude);
  return b;
}

export const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,39.49N" exif:GPSLongitude="139,42.01E"/></rdf:RDF></x:xmpmeta>';

const segment = (marker: number, payload: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** JPEG with EXIF (GPS) and XMP in APP1, IPTC in APP13, a comment, and a trailer after the image end. */
export function jpegWithMetadata(): Buffer {
  return Buffer.concat([
    JPEG.subarray(0, 2),
    segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff()])),
    segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${XMP}`)),
    segment(0xed, Buffer.from('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0e\x1c\x02\x5a\0\x06Shibuya', 'latin1')),
    segment(0xfe, Buffer.from('Shot at 35.6582N 139.7004E')),
    JPEG.subarray(2),
    Buffer.from('MotionPhoto_Data with a location inside'),
  ]);
}

/** The PNG in `png` with a text chunk, an XMP iTXt chunk, an eXIf chunk and a time stamp after IHDR. */
export function pngWithMetadata(png: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]); // CRC not checked by the stripper
  };
  const ihdrEnd = 8 + 12 + 13;
  return Buffer.concat([
    png.subarray(0, ihdrEnd),
    chunk('tEXt', Buffer.from('Comment\0Shot at 35.6582N 139.7004E', 'latin1')),
    chunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP}`)),
    chunk('eXIf', exifTiff()),
    chunk('tIME', Buffer.from([0x07, 0xea, 12, 6, 10, 0, 0])),
    png.subarray(ihdrEnd),
  ]);
}

/** The WebP above with EXIF and XMP chunks, flagged in its VP8X header as writers do. */
export function webpWithMetadata(): Buffer {
  const chunk = (fourcc: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(fourcc, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
  };
  const body = Buffer.concat([WEBP.subarray(12), chunk('EXIF', exifTiff()), chunk('XMP ', Buffer.from(XMP))]);
  body[8] = body[8]! | 0x08 | 0x04; // VP8X: EXIF and XMP present
  const header = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  return Buffer.concat([header, body]);
}

/**
 * A HEIC as phones write one, reduced to its structure: an `hvc1` image item, an `Exif` item (GPS)
 * and an XMP item, their bytes in `mdat` at the offsets `iloc` gives. `image` stands for the HEVC data.
 */
export function heicWithMetadata(image: Buffer): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const fullBox = (type: string, version: number, ...parts: Buffer[]) => box(type, Buffer.from([version, 0, 0, 0]), ...parts);
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const infe = (id: number, type: string, contentType?: string) =>
    fullBox('infe', 2, u16(id), u16(0), Buffer.from(type, 'latin1'), Buffer.from('\0'), contentType ? Buffer.from(`${contentType}\0`) : Buffer.alloc(0));
  const exif = Buffer.concat([u32(0), exifTiff()]);
  const xmp = Buffer.from(XMP);
  const items = [image, exif, xmp];
  const meta = (offsets: number[]) =>
    fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from('\0')),
      fullBox('pitm', 0, u16(1)),
      fullBox('iinf', 0, u16(3), infe(1, 'hvc1'), infe(2, 'Exif'), infe(3, 'mime', 'application/rdf+xml')),
      box('iref', Buffer.from([0, 0, 0, 0]), box('cdsc', u16(2), u16(1), u16(1)), box('cdsc', u16(3), u16(1), u16(1))),
      fullBox('iloc', 0, Buffer.from([0x44, 0x00]), u16(3), ...items.map((item, i) => Buffer.concat([u16(i + 1), u16(0), u16(1), u32(offsets[i]!), u32(item.length)]))),
    );
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const mdatStart = ftyp.length + meta([0, 0, 0]).length + 8;
  const offsets = items.map((_, i) => mdatStart + items.slice(0, i).reduce((n, item) => n + item.length, 0));
  return Buffer.concat([ftyp, meta(offsets), box('mdat', ...items)]);
}
