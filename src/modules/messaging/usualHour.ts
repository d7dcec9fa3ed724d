import { minutesOfQuiet } from './deliveryGate.ts';
import { localMinuteOfDay, parseHhmm } from './localTime.ts';

/**
 * "Send at each customer's usual hour": the local hour of day at which a customer engages most
 * (their opens, clicks and orders), falling back to the workspace's histogram when they have too
 * little history, then the next occurrence of that hour in their time zone, outside quiet hours.
 */
export type Histogram = number[];

/** Events needed before a customer's own histogram is trusted over the workspace's. */
export const MIN_OWN_EVENTS = 3;

/** Counts of `timestamps` by local hour (0–23) in `timeZone`. */
export function hourHistogram(timestamps: Date[], timeZone: string): Histogram {
  const h = new Array<number>(24).fill(0);
  for (const t of timestamps) h[Math.floor(localMinuteOfDay(t, timeZone) / 60)]!++;
  return h;
}

const total = (h: Histogram) => h.reduce((a, b) => a + b, 0);

/**
 * The peak of the histogram smoothed with its neighbours (weights ½, 1, ½, wrapping at midnight):
 * one stray event next to a habit does not move it, and 19:00 and 20:00 together beat a lone 08:00.
 * Ties go to the earlier hour.
 */
export function peakHour(h: Histogram): number {
  let best = 0;
  let bestScore = -1;
  for (let hour = 0; hour < 24; hour++) {
    const score = h[hour]! + 0.5 * (h[(hour + 23) % 24]! + h[(hour + 1) % 24]!);
    if (score > bestScore) {
      best = hour;
      bestScore = score;
    }
  }
  return best;
}

export interface UsualHour {
  hour: number;
  source: 'own' | 'workspace';
}

/** The customer's usual hour from their own histogram, else the workspace's; null when neither has data. */
export function usualHour(own: Histogram, workspace: Histogram, minOwn = MIN_OWN_EVENTS): UsualHour | null {
  if (total(own) >= minOwn) return { hour: peakHour(own), source: 'own' };
  if (total(workspace) > 0) return { hour: peakHour(workspace), source: 'workspace' };
  return null;
}

/**
 * The first instant after `now`, within `windowHours`, at which the local time in `timeZone` is
 * `hour`:00; an hour inside quiet hours moves to their end. Steps of 15 minutes meet every zone
 * offset in use (whole, half and quarter hours). When the hour does not occur in the window (a DST
 * gap), `now`: the gate still applies quiet hours.
 */
export function nextUsualTime(now: Date, hour: number, timeZone: string, options: { windowHours: number; quietHours?: { start: string; end: string } }): Date {
  let target = hour * 60;
  if (options.quietHours) {
    const start = parseHhmm(options.quietHours.start);
    const end = parseHhmm(options.quietHours.end);
    if (minutesOfQuiet(target, start, end) > 0) target = end;
  }
  const step = 15 * 60_000;
  const first = Math.ceil((now.getTime() + 1) / step) * step;
  const last = now.getTime() + options.windowHours * 3_600_000;
  for (let t = first; t <= last; t += step) {
    const m = localMinuteOfDay(new Date(t), timeZone);
    // The target lies in this quarter hour (a quiet-hours end may be any minute).
    if (target >= m && target < m + 15) {
      const at = t + (target - m) * 60_000;
      if (at <= last) return new Date(at);
    }
  }
  return now;
}
