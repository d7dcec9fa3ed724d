import { isCurrency } from '../../../../lib/money.ts';

const SYMBOLS: Record<string, string> = { 円: 'JPY', '¥': 'JPY', 日本円: 'JPY', ドル: 'USD', 米ドル: 'USD', $: 'USD', ユーロ: 'EUR', '€': 'EUR' };

/** "JPY", "jpy", "円" → "JPY"; undefined for anything that is not an ISO 4217 code. */
export function parseCurrency(value: string): string | undefined {
  const code = SYMBOLS[value] ?? value.toUpperCase();
  return isCurrency(code) ? code : undefined;
}
