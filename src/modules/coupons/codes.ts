import { randomBytes } from 'node:crypto';
import { normalizeWidth } from '../../lib/japanese.ts';

/**
 * Coupon codes are read aloud, printed on paper DMs and typed on phones, so the alphabet leaves out
 * every character that is easily confused with another: 0/O, 1/I/L, and U (Crockford's base32 drops
 * I, L, O and U; we drop the digits 0 and 1 as well rather than guess what a customer meant). 30
 * symbols carry log2(30) ≈ 4.91 bits each.
 *
 * The default length 12 gives 30^12 ≈ 5.3·10^17 codes: among a million codes the chance that any two
 * coincide is about n²/2N ≈ 10^-6 (and a collision is caught by the primary key and redrawn anyway),
 * and a guesser trying random codes against a million live ones hits one in 5·10^11 tries.
 * Codes are drawn from the operating system's CSPRNG, by rejection sampling so every symbol is
 * equally likely.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const DEFAULT_CODE_LENGTH = 12;

/** Bytes at or above this are rejected: 240 = 8 × 30 keeps `byte % 30` uniform. */
const ACCEPT_BELOW = 256 - (256 % CODE_ALPHABET.length);
const SYMBOLS = Buffer.from(CODE_ALPHABET, 'latin1');

/** `count` random codes of `length` symbols after `prefix`. */
export function randomCodes(count: number, length: number = DEFAULT_CODE_LENGTH, prefix = ''): string[] {
  // All symbols in one buffer, then one slice per code: a million codes in well under a second.
  const symbols = Buffer.allocUnsafe(count * length);
  let filled = 0;
  while (filled < symbols.length) {
    // ~6% of bytes are rejected; ask for 10% more and loop in the rare case that was not enough.
    const bytes = randomBytes(Math.ceil((symbols.length - filled) * 1.1) + 16);
    for (let i = 0; i < bytes.length && filled < symbols.length; i++) {
      const byte = bytes[i]!;
      if (byte < ACCEPT_BELOW) symbols[filled++] = SYMBOLS[byte % SYMBOLS.length]!;
    }
  }
  const codes = new Array<string>(count);
  for (let i = 0; i < count; i++) codes[i] = prefix + symbols.toString('latin1', i * length, (i + 1) * length);
  return codes;
}

/**
 * What a customer typed, in the stored form: full-width folded (ＡＢＣ → ABC), upper case, without
 * the spaces and hyphens people add when copying "ABCD-EFGH-JKMN".
 */
export function normalizeCode(input: string): string {
  return normalizeWidth(input).toUpperCase().replace(/[\s\-‐－ー−_]/g, '');
}

/** A campaign's code prefix: letters and digits only, so it survives `normalizeCode`. */
export function isValidPrefix(prefix: string): boolean {
  return /^[A-Z0-9]{0,16}$/.test(prefix);
}
