import { z } from 'zod';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, checked against the runtime's tz database. */
export const timeZone = () => z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Tokyo');
