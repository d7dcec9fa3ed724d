/** Formatters are costly to build (tens of microseconds); the gate asks once per recipient. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight at `at` in the IANA zone `timeZone`. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let hour = 0;
  let minute = 0;
  for (const part of f.formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

export function parseHhmm(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return h! * 60 + m!;
}
