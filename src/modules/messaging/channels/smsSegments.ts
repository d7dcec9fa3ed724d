/**
 * How an SMS text is encoded and how many message segments it costs (carriers bill per segment).
 * 3GPP TS 23.038 §6.2.1: the GSM 7-bit default alphabet, and its extension table whose characters
 * take an escape plus the character (2 septets). Any other character makes the whole message UCS-2,
 * counted in UTF-16 code units (a surrogate pair, e.g. an emoji or 𠮷, is 2). TS 23.040 §9.2.3.24.1:
 * a concatenated message's 6-octet user data header leaves 153 septets or 67 UCS-2 units per part,
 * against 160 or 70 for a single message. A part never ends between an escape and its character or
 * between the halves of a surrogate pair, so parts are packed greedily, as phones and gateways do.
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  segments: number;
  /** Units a segment holds at this length: 160/70 for one segment, 153/67 when concatenated. */
  perSegment: number;
  /** The characters that forced UCS-2 (each once, in order of appearance); empty for GSM-7. */
  nonGsm: string[];
}

const SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
const MULTI = { 'GSM-7': 153, 'UCS-2': 67 } as const;

export function smsSegments(text: string): SmsSegments {
  const chars = [...text]; // code points: a surrogate pair stays together
  const nonGsm = [...new Set(chars.filter((c) => !BASIC.has(c) && !EXTENSION.has(c)))];
  const encoding: SmsEncoding = nonGsm.length > 0 ? 'UCS-2' : 'GSM-7';
  const costs = chars.map((c) => (encoding === 'UCS-2' ? c.length : EXTENSION.has(c) ? 2 : 1));
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= SINGLE[encoding]) return { encoding, units, segments: units === 0 ? 0 : 1, perSegment: SINGLE[encoding], nonGsm };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > MULTI[encoding]) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments, perSegment: MULTI[encoding], nonGsm };
}
