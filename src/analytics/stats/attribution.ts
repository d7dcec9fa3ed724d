/**
 * Last-touch attribution (pure; the SQL in src/modules/messaging/attribution.ts does the same on the
 * database and its test compares the two). Each purchase is credited to at most one message: the
 * customer's last touch strictly before the purchase (ties on time broken by the larger touch id),
 * and only when the purchase falls inside that touch's conversion window. An earlier touch never
 * takes the credit the last one could not claim: "last touch" means the last one, window or not.
 */
export interface Touch {
  id: string;
  /** What sent it (a campaign, or a journey step's message row). */
  messageId: string;
  customerId: string;
  /** When it was delivered, ms since the epoch. */
  at: number;
  windowDays: number;
}

export interface Purchase {
  id: string;
  customerId: string;
  at: number;
  /** Net revenue in minor units. */
  amount: number;
}

export interface Credit {
  purchaseId: string;
  touchId: string;
  messageId: string;
  amount: number;
}

const DAY_MS = 86_400_000;

/** The last touch before `at` among a customer's touches sorted by (at, id). */
function lastBefore(sorted: Touch[], at: number): Touch | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

/** One credit per purchase that has a last touch whose window holds it. */
export function lastTouchCredits(touches: Touch[], purchases: Purchase[]): Credit[] {
  const byCustomer = new Map<string, Touch[]>();
  for (const t of touches) {
    const list = byCustomer.get(t.customerId) ?? [];
    list.push(t);
    byCustomer.set(t.customerId, list);
  }
  for (const list of byCustomer.values()) list.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const credits: Credit[] = [];
  for (const p of purchases) {
    const touch = lastBefore(byCustomer.get(p.customerId) ?? [], p.at);
    if (touch && p.at < touch.at + touch.windowDays * DAY_MS) credits.push({ purchaseId: p.id, touchId: touch.id, messageId: touch.messageId, amount: p.amount });
  }
  return credits;
}

export interface Attributed {
  orders: number;
  /** Distinct customers with a credited purchase. */
  customers: number;
  revenue: number;
}

/** Credits summed for the messages in `messageIds`. */
export function attributedTo(credits: Credit[], purchases: Purchase[], messageIds: ReadonlySet<string>): Attributed {
  const customerOf = new Map(purchases.map((p) => [p.id, p.customerId]));
  const mine = credits.filter((c) => messageIds.has(c.messageId));
  return {
    orders: mine.length,
    customers: new Set(mine.map((c) => customerOf.get(c.purchaseId))).size,
    revenue: mine.reduce((s, c) => s + c.amount, 0),
  };
}
