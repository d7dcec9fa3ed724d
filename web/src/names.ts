import type { Customer } from './types.ts';

/** 山田 太郎: family name first, as Japanese names are written (and as our data stores them). */
export function fullName(c: Pick<Customer, 'familyName' | 'givenName'>): string | null {
  return [c.familyName, c.givenName].filter(Boolean).join(' ') || null;
}

export function fullKana(c: Pick<Customer, 'familyNameKana' | 'givenNameKana'>): string | null {
  return [c.familyNameKana, c.givenNameKana].filter(Boolean).join(' ') || null;
}
