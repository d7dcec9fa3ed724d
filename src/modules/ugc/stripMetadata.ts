import { ValidationError } from '../../kernel/errors.ts';

/**
 * Photos are stored without the metadata cameras and phones write into them: EXIF (GPS position,
 * device, serial numbers, time), XMP, IPTC, comments and text chunks. A byte rewrite of each
 * container, not a re-encode: pixels stay exactly as uploaded and no native image library is
 * needed. What the picture needs to display right is kept (colour profiles, JPEG orientation).
 * A file whose structure cannot be followed is refused rather than stored with what it may hide.
 */
export function stripMetadata(bytes: Buffer, contentType: string): Buffer {
  try {
    switch (contentType) {
      case 'image/jpeg':
        return stripJpeg(bytes);
      case 'image/png':
        return stripPng(bytes);
      case 'image/webp':
        return stripWebp(bytes);
      case 'image/heic':
      case 'image/heif':
        return blankHeifMetadata(bytes);
      default:
        throw new Damaged(`no metadata rules for ${contentType}`);
    }
  } catch (err) {
    if (!(err instanceof Damaged || err instanceof RangeError)) throw err;
    throw new ValidationError('The photo could not be read', [{ path: ['photo'], message: 'the image file is damaged or incomplete' }]);
  }
}

class Damaged extends Error {}

function need(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Damaged(what);
}

// ── JPEG ────────────────────────────────────────────────────────────────────

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

/** The APPn segments a decoder may need, by marker and the signature their payload starts with. */
const KEPT_APP = new Map<number, string>([
  [APP0, 'JFIF\0'],
  [APP2, 'ICC_PROFILE\0'],
  [APP14, 'Adobe'], // its colour transform flag decides how CMYK/YCCK data is decoded
]);

/**
 * Copies a JPEG segment by segment, leaving out every APPn but JFIF, ICC and Adobe (EXIF and XMP
 * in APP1, MPF in APP2, IPTC in APP13, …), comments, and anything after the end of the image
 * (motion-photo videos, maker trailers). The EXIF orientation is kept in a minimal EXIF of its own.
 */
function stripJpeg(src: Buffer): Buffer {
  need(src[0] === 0xff && src[1] === SOI, 'no JPEG start');
  const out: Buffer[] = [src.subarray(0, 2)];
  let pos = 2;
  for (;;) {
    while (pos < src.length && src[pos] !== 0xff) pos++; // stray bytes between segments, skipped as decoders do
    while (src[pos + 1] === 0xff) pos++; // fill bytes
    need(pos + 1 < src.length, 'no end of image');
    const marker = src[pos + 1]!;
    if (marker === EOI) {
      out.push(src.subarray(pos, pos + 2));
      return Buffer.concat(out);
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(src.subarray(pos, pos + 2)); // standalone markers carry no length
      pos += 2;
      continue;
    }
    need(pos + 4 <= src.length, 'segment length');
    const end = pos + 2 + src.readUInt16BE(pos + 2);
    need(end <= src.length && end >= pos + 4, 'segment overruns the file');
    const payload = src.subarray(pos + 4, end);
    if (marker === SOS) {
      const scanEnd = entropyCodedEnd(src, end);
      out.push(src.subarray(pos, scanEnd));
      pos = scanEnd;
      continue;
    }
    if (marker === APP1 && startsWith(payload, 'Exif\0\0')) {
      const orientation = exifOrientation(payload.subarray(6));
      if (orientation !== undefined) out.push(minimalExif(orientation));
    } else if (marker >= APP0 && marker <= 0xef) {
      const signature = KEPT_APP.get(marker);
      if (signature !== undefined && startsWith(payload, signature)) out.push(src.subarray(pos, end));
    } else if (marker !== COM) {
      out.push(src.subarray(pos, end));
    }
    pos = end;
  }
}

/** Where the entropy-coded data after a scan header ends: at the first marker other than a stuffed 0xFF00 or a restart. */
function entropyCodedEnd(src: Buffer, from: number): number {
  for (let i = from; i + 1 < src.length; i++) {
    if (src[i] !== 0xff) continue;
    const next = src[i + 1]!;
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  throw new Damaged('scan without an end');
}

function startsWith(payload: Buffer, signature: string): boolean {
  return payload.length >= signature.length && payload.toString('latin1', 0, signature.length) === signature;
}

/** The Orientation tag (0x0112) of IFD0 of a TIFF structure, if it holds a valid value (1–8). */
function exifOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count && ifd + 2 + (i + 1) * 12 <= tiff.length; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** An APP1 EXIF segment with one tag, Orientation: phones record rotation there instead of rotating pixels. */
function minimalExif(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM\0\x2a', 0, 'latin1');
  tiff.writeUInt32BE(8, 4); // IFD0 right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  // next-IFD offset 0 (bytes 22–25) ends the chain
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(2 + 6 + tiff.length, 2);
  return Buffer.concat([header, Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

// ── PNG ─────────────────────────────────────────────────────────────────────

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks that describe pixels (PNG 3rd edition and APNG); text, eXIf, tIME and private chunks go. */
const PNG_IMAGE_CHUNKS = new Set([
  'IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'cLLI', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'acTL', 'fcTL', 'fdAT',
]);

function stripPng(src: Buffer): Buffer {
  need(src.subarray(0, 8).equals(PNG_SIGNATURE), 'no PNG signature');
  const out: Buffer[] = [PNG_SIGNATURE];
  let pos = 8;
  for (;;) {
    need(pos + 12 <= src.length, 'chunk header');
    const end = pos + 12 + src.readUInt32BE(pos);
    need(end <= src.length, 'chunk overruns the file');
    const type = src.toString('latin1', pos + 4, pos + 8);
    if (PNG_IMAGE_CHUNKS.has(type)) out.push(src.subarray(pos, end)); // with its CRC, still valid
    if (type === 'IEND') return Buffer.concat(out);
    pos = end;
  }
}

// ── WebP ────────────────────────────────────────────────────────────────────

const WEBP_IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
const VP8X_XMP = 0x04;
const VP8X_EXIF = 0x08;

/** Leaves out the EXIF, XMP and unknown chunks of a RIFF WebP, clears their VP8X flags and fixes the RIFF size. */
function stripWebp(src: Buffer): Buffer {
  need(src.length >= 12 && src.toString('latin1', 0, 4) === 'RIFF' && src.toString('latin1', 8, 12) === 'WEBP', 'no WebP header');
  const riffEnd = Math.min(src.length, 8 + src.readUInt32LE(4));
  const chunks: Buffer[] = [];
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const size = src.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2); // chunks are padded to an even length
    need(pos + 8 + size <= riffEnd, 'chunk overruns the file');
    const fourcc = src.toString('latin1', pos, pos + 4);
    if (WEBP_IMAGE_CHUNKS.has(fourcc)) {
      const chunk = Buffer.from(src.subarray(pos, Math.min(end, riffEnd)));
      if (fourcc === 'VP8X') chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      chunks.push(chunk);
    }
    pos = end;
  }
  need(chunks.length > 0, 'no image chunk');
  const body = Buffer.concat(chunks);
  const header = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  return Buffer.concat([header, body]);
}

// ── HEIF / HEIC ─────────────────────────────────────────────────────────────

interface Box {
  type: string;
  /** Where the box's content starts (after size and type) and where the box ends. */
  start: number;
  end: number;
}

function* boxes(src: Buffer, from: number, to: number): Generator<Box> {
  let pos = from;
  while (pos + 8 <= to) {
    let size = src.readUInt32BE(pos);
    let start = pos + 8;
    if (size === 1) {
      size = Number(src.readBigUInt64BE(pos + 8));
      start += 8;
    } else if (size === 0) size = to - pos;
    need(size >= start - pos && pos + size <= to, 'box overruns its parent');
    yield { type: src.toString('latin1', pos + 4, pos + 8), start, end: pos + size };
    pos += size;
  }
}

function child(src: Buffer, parent: { start: number; end: number }, type: string, skip = 0): Box | undefined {
  for (const box of boxes(src, parent.start + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

/**
 * In HEIF the EXIF and XMP are items whose bytes sit in `mdat` at offsets listed in `iloc`. Removing
 * them would shift every offset, so their bytes are overwritten in place instead: EXIF with an empty
 * TIFF structure, XMP with spaces. (HEIF records rotation in `irot`, not in EXIF.)
 */
function blankHeifMetadata(input: Buffer): Buffer {
  const src = Buffer.from(input);
  const meta = child(src, { start: 0, end: src.length }, 'meta');
  need(meta !== undefined, 'no meta box');
  const FULL_BOX = 4; // version and flags
  const iinf = child(src, meta, 'iinf', FULL_BOX);
  const iloc = child(src, meta, 'iloc', FULL_BOX);
  if (!iinf) return src; // no items described, so no EXIF or XMP item
  need(iloc !== undefined, 'items without locations');
  const metadata = metadataItems(src, iinf);
  if (metadata.size === 0) return src;
  const idat = child(src, meta, 'idat', FULL_BOX);
  for (const { itemId, offset, length } of itemExtents(src, iloc, idat)) {
    const kind = metadata.get(itemId);
    if (!kind) continue;
    const end = length === 0 ? src.length : offset + length;
    need(offset <= end && end <= src.length, 'item overruns the file');
    src.fill(kind === 'exif' ? 0 : 0x20, offset, end);
    if (kind === 'exif' && end - offset >= 18) {
      // 4-byte offset to the TIFF header (0), then "MM", 42, IFD0 at 8 with no entries and no next IFD.
      src.write('MM\0\x2a\0\0\0\x08', offset + 4, 'latin1');
    }
  }
  return src;
}

/** Item ids of the EXIF items and the XMP items (MIME application/rdf+xml) listed in `iinf`. */
function metadataItems(src: Buffer, iinf: Box): Map<number, 'exif' | 'xmp'> {
  const version = src[iinf.start]!;
  const found = new Map<number, 'exif' | 'xmp'>();
  for (const infe of boxes(src, iinf.start + 4 + (version === 0 ? 2 : 4), iinf.end)) {
    if (infe.type !== 'infe') continue;
    const v = src[infe.start]!;
    if (v < 2) continue; // versions 0 and 1 have no item_type: they cannot declare EXIF or XMP items
    let pos = infe.start + 4;
    const itemId = v === 2 ? src.readUInt16BE(pos) : src.readUInt32BE(pos);
    pos += (v === 2 ? 2 : 4) + 2; // item_ID, item_protection_index
    const itemType = src.toString('latin1', pos, pos + 4);
    pos += 4;
    if (itemType === 'Exif') found.set(itemId, 'exif');
    if (itemType === 'mime') {
      const nameEnd = src.indexOf(0, pos);
      need(nameEnd >= 0 && nameEnd < infe.end, 'item name');
      const typeEnd = src.indexOf(0, nameEnd + 1);
      const contentType = src.toString('latin1', nameEnd + 1, typeEnd < 0 || typeEnd > infe.end ? infe.end : typeEnd);
      if (contentType === 'application/rdf+xml') found.set(itemId, 'xmp');
    }
  }
  return found;
}

/** Every extent of every item in `iloc`, as absolute file offsets (length 0: to the end of the file). */
function itemExtents(src: Buffer, iloc: Box, idat: Box | undefined): { itemId: number; offset: number; length: number }[] {
  const version = src[iloc.start]!;
  let pos = iloc.start + 4;
  const read = (size: number): number => {
    need(size === 0 || size === 2 || size === 4 || size === 8, 'field size');
    const value = size === 0 ? 0 : size === 2 ? src.readUInt16BE(pos) : size === 4 ? src.readUInt32BE(pos) : Number(src.readBigUInt64BE(pos));
    pos += size;
    return value;
  };
  const offsetSize = src[pos]! >> 4;
  const lengthSize = src[pos]! & 0x0f;
  const baseOffsetSize = src[pos + 1]! >> 4;
  const indexSize = version === 1 || version === 2 ? src[pos + 1]! & 0x0f : 0;
  pos += 2;
  const itemCount = read(version < 2 ? 2 : 4);
  const extents: { itemId: number; offset: number; length: number }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const itemId = read(version < 2 ? 2 : 4);
    const method = version === 1 || version === 2 ? read(2) & 0x0f : 0;
    pos += 2; // data_reference_index
    const base = read(baseOffsetSize);
    const extentCount = read(2);
    for (let e = 0; e < extentCount; e++) {
      read(indexSize);
      const offset = base + read(offsetSize);
      const length = read(lengthSize);
      need(pos <= iloc.end, 'iloc overruns its box');
      if (method === 0) extents.push({ itemId, offset, length });
      else if (method === 1) {
        need(idat !== undefined, 'item in a missing idat');
        extents.push({ itemId, offset: idat.start + offset, length });
      } else extents.push({ itemId, offset: -1, length: -1 }); // built from other items: holds no bytes of its own
    }
  }
  return extents.filter((e) => e.offset >= 0);
}
