import type { Interval } from '../analytics/stats/lift.ts';
import { currencyExponent, fromMinor } from '../lib/money.ts';

/** What `kizuna campaign|journey performance` prints (the API's performance object). */
export interface PerformanceLike {
  currency: string;
  conversionWindowDays: number;
  lastTouchWindowDays?: number;
  engagement: { sent: number; delivered: number; opens: { total: number; human: number; machine: number }; clicks: number; unsubscribes: number; bounces: { hard: number; soft: number }; complaints: number };
  lastTouch: { orders: number; customers: number; revenue: number };
  incremental: { control: 'holdout' | 'global_control' | null; treated: number; controlSize: number; conversions: Interval | null; revenue: Interval | null; confidence: number };
}

const n = (v: number) => v.toLocaleString('en');

export function performanceText(title: string, p: PerformanceLike): string {
  const e = p.engagement;
  // Minor units to the currency's amount (JPY has no minor unit).
  const money = (minor: number) => `${fromMinor(Math.round(minor), p.currency).toLocaleString('en', { minimumFractionDigits: currencyExponent(p.currency) })} ${p.currency}`;
  const inc = p.incremental;
  const level = `${Math.round(inc.confidence * 100)}%`;
  return [
    title,
    `sent ${n(e.sent)} · delivered ${n(e.delivered)} · opened ${n(e.opens.total)} (people ${n(e.opens.human)}, machine only ${n(e.opens.machine)}) · clicked ${n(e.clicks)}`,
    `unsubscribed ${n(e.unsubscribes)} · bounced ${n(e.bounces.hard)} hard, ${n(e.bounces.soft)} soft · complaints ${n(e.complaints)}`,
    `last touch (${p.lastTouchWindowDays ?? p.conversionWindowDays}-day window): ${n(p.lastTouch.orders)} orders from ${n(p.lastTouch.customers)} customers, ${money(p.lastTouch.revenue)}`,
    inc.revenue && inc.conversions
      ? `incremental vs ${inc.control === 'holdout' ? 'holdout' : 'global control'} (${p.conversionWindowDays}-day window; ${n(inc.treated)} treated, ${n(inc.controlSize)} control): ` +
        `${money(inc.revenue.estimate)} (${level} CI ${money(inc.revenue.low)} to ${money(inc.revenue.high)}), ` +
        `${inc.conversions.estimate.toFixed(1)} conversions (${inc.conversions.low.toFixed(1)} to ${inc.conversions.high.toFixed(1)})`
      : 'incremental: no control group with at least two people (set a holdout or a global control share)',
  ].join('\n');
}
