/** The API's shapes as the web app reads them (dates arrive as ISO strings). */

export type Role = 'admin' | 'marketer' | 'analyst';
export type Scope = 'admin' | 'ingest' | 'read' | 'messaging';

export interface SessionInfo {
  user: { id: string; email: string; name: string | null; role: Role };
  workspace: { id: string; name: string; currency: string; timeZone: string; locale: string };
  scopes: Scope[];
  csrfToken: string;
  expiresAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Customer {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  lineUserId: string | null;
  familyName: string | null;
  givenName: string | null;
  familyNameKana: string | null;
  givenNameKana: string | null;
  birthday: string | null;
  postalCode: string | null;
  prefecture: string | null;
  city: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  country: string | null;
  locale: string | null;
  timeZone: string | null;
  accountId: string | null;
  attributes: Record<string, unknown>;
  erasedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ConsentChannel = 'email' | 'sms' | 'line' | 'push' | 'dm' | 'phone';

export interface Consent {
  channel: ConsentChannel;
  status: 'opted_in' | 'opted_out';
  source: string;
  recordedAt: string;
}

export interface Order {
  id: string;
  externalId: string;
  status: 'pending' | 'completed' | 'cancelled';
  currency: string;
  discountMinor: number;
  totalMinor: number;
  refundedMinor: number;
  netMinor: number;
  couponCode: string | null;
  orderedAt: string;
  lines: { lineNo: number; sku: string | null; name: string | null; quantity: number; totalMinor: number }[];
}

export interface Refund {
  id: string;
  externalId: string;
  orderId: string;
  amountMinor: number;
  reason: string | null;
  refundedAt: string;
}

export interface CustomerEvent {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

export interface CustomerExport {
  customer: Customer;
  aliases: { alias: string; createdAt: string }[];
  consents: Consent[];
  orders: Order[];
  refunds: Refund[];
  events: CustomerEvent[];
  account: { id: string; externalId: string; name: string | null; domain: string | null } | null;
  subscriptions: {
    id: string;
    plan: string;
    seats: number;
    mrrMinor: number;
    currency: string;
    status: string;
    renewsAt: string | null;
  }[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type ImportKind = 'customers' | 'orders' | 'products' | 'events';

export interface ImportSummary {
  kind: ImportKind;
  rows: number;
  imported: number;
  rejected: number;
  created: number;
  updated: number;
  duplicates: number;
  encoding: 'utf8' | 'cp932';
  dryRun: boolean;
  committed: boolean;
  errors: { line?: number; column?: string; message: string }[];
}

/** GET /v1/customers/:id/scores: the current scores and the snapshots of earlier runs, newest first. */
export interface CustomerScores {
  current: {
    computedAt: string;
    rfmSegment: string | null;
    rScore: number | null;
    fScore: number | null;
    mScore: number | null;
    stage: string;
    stageSince: string;
    pAlive: number | null;
    clv12mMinor: number | null;
    nextPurchaseAt: string | null;
    churnRisk: number | null;
    expectedPurchases365d: number | null;
  } | null;
  history: { computedAt: string; pAlive: number | null; churnRisk: number | null; clv12mMinor: number | null; rfmSegment: string | null; stage: string }[];
}

export interface Recommendations {
  builtAt: string | null;
  data: {
    product: { id: string; sku: string; name: string | null; category: string | null; priceMinor: number | null; currency: string | null };
    score: number;
    source: 'similar' | 'repeat' | 'popular';
  }[];
}

/** GET /v1/customers/:id/coupons */
export interface CustomerCoupon {
  code: string;
  campaign: { id: string; name: string; kind: 'percent' | 'amount' | 'free_shipping'; value: number; currency: string; endsAt: string | null };
  issuedAt: string;
  expiresAt: string | null;
  redeemedAt: string | null;
  status: 'available' | 'redeemed' | 'expired' | 'not_started' | 'inactive';
}
