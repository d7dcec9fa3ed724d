/**
 * Money is stored as integer minor units of its currency (JPY has no minor unit, USD has cents).
 * Inputs from Segment and CSV arrive as decimal amounts; this is the one place they are converted.
 */
const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    e = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, e);
  }
  return e;
}

/** 12.5 USD → 1250; 1980 JPY → 1980. Rounds half away from zero to the currency's precision. */
export function toMinor(amount: number, currency: string): number {
  const factor = 10 ** currencyExponent(currency);
  return Math.sign(amount) * Math.round(Math.abs(amount) * factor);
}

export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/** ISO 4217 codes the runtime knows; Intl.NumberFormat alone accepts any three letters ("XXQ"). */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}
