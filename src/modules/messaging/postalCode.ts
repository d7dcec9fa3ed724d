/** A 7-digit 郵便番号 as printed: 1000005 → 100-0005. */
export const formatPostalCode = (code: string) => `${code.slice(0, 3)}-${code.slice(3)}`;
