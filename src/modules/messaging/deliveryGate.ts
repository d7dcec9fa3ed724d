import type { ConsentChannel } from '../customers/index.ts';
import { localMinuteOfDay, parseHhmm } from './localTime.ts';
import type { GatePolicy } from './settings.ts';
import type { Channel, MessageClass } from './types.ts';

/**
 * The delivery gate: one pure decision per (message, customer) over facts the caller loaded in
 * bulk. Every channel goes through it; there is no other path to a provider.
 */
export interface GateFacts {
  channel: Channel;
  class: MessageClass;
  /** The channel's address (email, E.164 phone, LINE user id, push token, postal address); null when unknown. */
  address: string | null;
  erased: boolean;
  /** The latest consent record for the channel. */
  consent: 'opted_in' | 'opted_out' | null;
  /** Why the address is on the suppression list, if it is. */
  suppression: string | null;
  /** The customer's marketing sends in the longest cap window (any channel). */
  recentSends: { channel: Channel; at: Date }[];
  /** The customer's own IANA time zone (the workspace's when the customer has none). */
  timeZone: string;
}

export type GateDecision = { action: 'send' } | { action: 'defer'; until: Date; reason: string } | { action: 'suppress'; reason: string };

/** Suppressions that stop every message; the others (unsubscribed, complaint) stop marketing only. */
const HARD_SUPPRESSIONS = new Set(['hard_bounce', 'erased']);

/** The consent record each channel reads; a webhook goes to the workspace's own system. */
export const CONSENT_CHANNEL: Record<Channel, ConsentChannel | null> = {
  email: 'email',
  sms: 'sms',
  line: 'line',
  push: 'push',
  dm: 'dm',
  webhook: null,
};

const DAY = 86_400_000;

export function decide(facts: GateFacts, policy: GatePolicy, now: Date): GateDecision {
  if (facts.erased) return { action: 'suppress', reason: 'erased' };
  if (!facts.address) return { action: 'suppress', reason: 'no_address' };
  if (facts.suppression && (facts.class === 'marketing' || HARD_SUPPRESSIONS.has(facts.suppression))) {
    return { action: 'suppress', reason: `suppression:${facts.suppression}` };
  }
  if (facts.class === 'transactional') return { action: 'send' };

  if (CONSENT_CHANNEL[facts.channel]) {
    if (facts.consent === 'opted_out') return { action: 'suppress', reason: 'consent:opted_out' };
    if (facts.consent !== 'opted_in' && policy.requireOptIn.includes(facts.channel)) return { action: 'suppress', reason: 'consent:no_opt_in' };
  }

  const channelCap = policy.perChannelCap[facts.channel];
  if (channelCap && countSince(facts.recentSends, now, channelCap.days, facts.channel) >= channelCap.max) {
    return { action: 'suppress', reason: `cap:${facts.channel}` };
  }
  if (countSince(facts.recentSends, now, policy.totalCap.days) >= policy.totalCap.max) return { action: 'suppress', reason: 'cap:total' };

  if (policy.quietHours) {
    const wait = minutesOfQuiet(localMinuteOfDay(now, facts.timeZone), parseHhmm(policy.quietHours.start), parseHhmm(policy.quietHours.end));
    if (wait > 0) {
      // Whole-minute zone offsets: local minute boundaries are UTC minute boundaries. Across a DST
      // change the wake-up may be an hour off; the gate runs again then and defers again if needed.
      const until = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + wait * 60_000);
      return { action: 'defer', until, reason: 'quiet_hours' };
    }
  }
  return { action: 'send' };
}

/** Longest window any cap looks back over: how much send history the caller must load. */
export function capWindowDays(policy: GatePolicy): number {
  return Math.max(policy.totalCap.days, ...Object.values(policy.perChannelCap).map((c) => c.days));
}

function countSince(sends: { channel: Channel; at: Date }[], now: Date, days: number, channel?: Channel): number {
  const since = now.getTime() - days * DAY;
  let n = 0;
  for (const s of sends) if (s.at.getTime() > since && (!channel || s.channel === channel)) n++;
  return n;
}

/** Minutes until quiet hours end, 0 when `minute` is outside them (a window may span midnight). */
export function minutesOfQuiet(minute: number, start: number, end: number): number {
  if (start === end) return 0;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  return inside ? (end - minute + 1440) % 1440 : 0;
}
