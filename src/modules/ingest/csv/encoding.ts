import iconv from 'iconv-lite';
import { ValidationError } from '../../../kernel/errors.ts';

/**
 * Excel in Japan saves "CSV" as CP932 (Microsoft's Shift_JIS) and "CSV UTF-8" with a BOM; other
 * tools write UTF-8 without one. Detection: a BOM means UTF-8; otherwise the bytes after the first
 * non-ASCII byte decide (valid UTF-8 → UTF-8, else CP932). ASCII is the same in all three, so the
 * pure-ASCII start of a file is passed through before the decision and memory stays bounded.
 */
export const ENCODINGS = ['auto', 'utf8', 'sjis'] as const;
export type EncodingOption = (typeof ENCODINGS)[number];
export type DetectedEncoding = 'utf8' | 'cp932';

/** How many bytes from the first non-ASCII byte on are checked before deciding. */
const SAMPLE_BYTES = 64 * 1024;

interface Decoder {
  write(chunk: Buffer): string;
  end(): string;
}

export interface DecodedCsv {
  text: AsyncIterable<string>;
  /** Known once the first string has been read (or the input ended). */
  encoding(): DetectedEncoding;
}

export function decodeCsv(source: AsyncIterable<Buffer | string>, option: EncodingOption = 'auto'): DecodedCsv {
  let encoding: DetectedEncoding | undefined = option === 'sjis' ? 'cp932' : option === 'utf8' ? 'utf8' : undefined;
  async function* text(): AsyncGenerator<string> {
    let decoder: Decoder | undefined = encoding ? decoderFor(encoding) : undefined;
    let sample: Buffer[] = [];
    let sampled = 0;
    let offset = 0;
    let first = true;
    const decide = (): string => {
      const bytes = Buffer.concat(sample);
      encoding = isUtf8(bytes) ? 'utf8' : 'cp932';
      decoder = decoderFor(encoding, offset);
      sample = [];
      return decoder.write(bytes);
    };
    for await (const input of source) {
      let chunk = typeof input === 'string' ? Buffer.from(input) : input;
      if (first) {
        first = false;
        chunk = stripBom(chunk, option, (detected) => {
          encoding = detected;
          decoder = decoderFor(detected);
        });
      }
      if (decoder) {
        yield decoder.write(chunk);
      } else if (sampled > 0) {
        sample.push(chunk);
        sampled += chunk.length;
        if (sampled >= SAMPLE_BYTES) yield decide();
      } else {
        const nonAscii = chunk.findIndex((b) => b >= 0x80);
        if (nonAscii < 0) {
          offset += chunk.length;
          yield chunk.toString('latin1');
          continue;
        }
        if (nonAscii > 0) yield chunk.subarray(0, nonAscii).toString('latin1');
        offset += nonAscii;
        sample.push(chunk.subarray(nonAscii));
        sampled = chunk.length - nonAscii;
        if (sampled >= SAMPLE_BYTES) yield decide();
      }
    }
    if (!decoder && sampled > 0) yield decide();
    encoding ??= 'utf8';
    if (decoder) yield decoder.end();
  }
  return { text: text(), encoding: () => encoding ?? 'utf8' };
}

/** A UTF-8 BOM settles the question; UTF-16 (Excel's "Unicode text") is refused with advice. */
function stripBom(chunk: Buffer, option: EncodingOption, detected: (e: DetectedEncoding) => void): Buffer {
  if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
    if (option !== 'sjis') detected('utf8');
    return chunk.subarray(3);
  }
  if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
    throw new ValidationError('The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" or "CSV" instead', [
      { path: [], line: 1, message: 'UTF-16 is not supported' },
    ]);
  }
  return chunk;
}

/** Valid UTF-8, allowing a multi-byte character cut off at the end of the sample. */
function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function decoderFor(encoding: DetectedEncoding, startOffset = 0): Decoder {
  if (encoding === 'cp932') {
    const d = iconv.getDecoder('cp932');
    return { write: (b) => d.write(b), end: () => d.end() ?? '' };
  }
  // fatal: a stray byte in a UTF-8 file would otherwise silently become U+FFFD in the database.
  const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let offset = startOffset;
  const guard = (fn: () => string, length: number): string => {
    try {
      return fn();
    } catch {
      throw new ValidationError(`The file is not valid UTF-8 (after byte ${offset}); if it was saved by Excel as "CSV", import it with --encoding sjis`, [
        { path: [], message: 'invalid UTF-8' },
      ]);
    } finally {
      offset += length;
    }
  };
  return {
    write: (b) => guard(() => d.decode(b, { stream: true }), b.length),
    end: () => guard(() => d.decode(), 0),
  };
}
