/**
 * Dates as spreadsheets write them: 2024/01/05, 2024-01-05, 2024.1.5, 20240105, 2024年1月5日, each
 * with an optional time (9:05, 09:05:30, 09:05:30.123, 9時5分) and an optional zone (Z, +09:00).
 * A date without a zone is a wall-clock time in the workspace's time zone.
 */
const DATE_TIME =
  /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?|(\d{2})(\d{2}))(?:[ T]*(\d{1,2})(?::|時)(\d{1,2})(?:(?::|分)(\d{1,2})(?:\.(\d{1,6}))?秒?|分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface Parsed extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC when the text carries a zone. */
  offset?: number;
}

function parse(text: string): Parsed | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  const p: Parsed = {
    year: num(m[1]),
    month: num(m[2] ?? m[4] ?? m[6]),
    day: num(m[3] ?? m[5] ?? m[7]),
    hour: num(m[8]),
    minute: num(m[9]),
    second: num(m[10]),
    ms: m[11] ? Number(m[11].padEnd(3, '0').slice(0, 3)) : 0,
  };
  if (m[12]) p.offset = m[12].toUpperCase() === 'Z' ? 0 : zoneMinutes(m[12]);
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return undefined;
  // Date.UTC rolls 2024-02-30 over to March: a round trip catches impossible days.
  const check = new Date(Date.UTC(p.year, p.month - 1, p.day));
  if (check.getUTCFullYear() !== p.year || check.getUTCMonth() !== p.month - 1 || check.getUTCDate() !== p.day) return undefined;
  return p;
}

function zoneMinutes(zone: string): number {
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return zone.startsWith('-') ? -minutes : minutes;
}

/** A calendar date (birthday): the time part, if any, is ignored. */
export function parseCalendarDate(text: string): string | undefined {
  const p = parse(text);
  if (!p) return undefined;
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** An instant; wall-clock times are read in `timeZone`. */
export function parseInstant(text: string, timeZone: string): Date | undefined {
  const p = parse(text);
  if (!p) return undefined;
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  if (p.offset !== undefined) return new Date(wall - p.offset * 60_000);
  // The zone's offset at the guessed instant, then once more at the corrected one (DST edges).
  const first = wall - zoneOffset(timeZone, wall);
  return new Date(wall - zoneOffset(timeZone, first));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets by zone and hour: a million rows of one import share a few thousand hours. */
const offsets = new Map<string, number>();

/** Milliseconds the zone is ahead of UTC at `instant`. */
function zoneOffset(timeZone: string, instant: number): number {
  const hour = Math.floor(instant / 3_600_000);
  const key = `${timeZone}|${hour}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(hour * 3_600_000).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = asUtc - hour * 3_600_000;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}
