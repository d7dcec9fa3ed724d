import { createHash } from 'node:crypto';
import { zodIssues, type FieldIssue } from '../../kernel/errors.ts';
import { parseInstant } from '../../lib/instant.ts';
import { toMinor } from '../../lib/money.ts';
import { normalizePhone, normalizePostalCode, normalizeWidth } from '../../lib/japanese.ts';
import type { AccountInput } from '../accounts/index.ts';
import type { ProductInput } from '../catalog/index.ts';
import { customerInput, type CustomerInput } from '../customers/index.ts';
import type { EventInput } from '../events/index.ts';
import type { OrderLineInput } from '../orders/index.ts';
import type { SegmentMessage } from './segmentSpec.ts';

/**
 * Turns Segment messages into what the modules store. Pure: no database, so every mapping rule is
 * tested on plain objects. Ecommerce events follow the Segment ecommerce spec v2 (snake_case
 * properties, decimal amounts in currency units).
 */
export interface PlannedOrder {
  externalId: string;
  customerExternalId?: string;
  anonymousId?: string;
  currency: string;
  orderedAt: Date;
  subtotalMinor?: number;
  discountMinor: number;
  taxMinor: number;
  shippingMinor: number;
  totalMinor?: number;
  couponCode?: string;
  lines: OrderLineInput[];
  status: 'completed' | 'pending';
}

export interface PlannedRefund {
  externalId: string;
  orderExternalId: string;
  /** Undefined: refund what is left of the order. */
  amountMinor?: number;
  refundedAt: Date;
  path: (string | number)[];
}

export interface IngestPlan {
  customers: CustomerInput[];
  accounts: AccountInput[];
  products: ProductInput[];
  orders: PlannedOrder[];
  refunds: PlannedRefund[];
  cancellations: { orderExternalId: string; path: (string | number)[] }[];
  events: EventInput[];
}

const ORDER_EVENTS = new Set(['Order Completed', 'Order Updated']);
const PRODUCT_EVENTS = new Set(['Product Viewed', 'Product Clicked', 'Product Added', 'Product Removed', 'Product Added to Wishlist', 'Product Shared', 'Product Reviewed']);

export function planIngest(messages: SegmentMessage[], defaultCurrency: string, receivedAt: Date, pathPrefix: (string | number)[] = []): {
  plan: IngestPlan;
  issues: FieldIssue[];
} {
  const plan: IngestPlan = { customers: [], accounts: [], products: [], orders: [], refunds: [], cancellations: [], events: [] };
  const issues: FieldIssue[] = [];

  messages.forEach((m, index) => {
    const at = (...path: (string | number)[]) => [...pathPrefix, index, ...path];
    const issue = (message: string, ...path: (string | number)[]) => issues.push({ path: at(...path), message });
    const occurredAt = parseInstantOrUndefined(m.timestamp ?? m.originalTimestamp) ?? receivedAt;
    const messageId = m.messageId ?? derivedMessageId(m);
    if (m.type !== 'alias' && !m.userId && !m.anonymousId) issue('userId or anonymousId is required', 'userId');

    switch (m.type) {
      case 'identify': {
        if (!m.userId) {
          // An anonymous identify still carries traits worth keeping, but we key people by userId.
          if (m.anonymousId && m.traits) issue('identify needs a userId to store traits', 'userId');
          break;
        }
        const mapped = customerFromTraits(m.userId, m.traits ?? {}, m.context, m.anonymousId);
        for (const i of mapped.issues) issue(i.message, 'traits', ...i.path);
        if (mapped.customer) plan.customers.push(mapped.customer);
        break;
      }
      case 'group': {
        const { name, website, domain, ...rest } = m.traits ?? {};
        plan.accounts.push({
          externalId: m.groupId,
          name: typeof name === 'string' ? name : undefined,
          domain: typeof domain === 'string' ? domain : typeof website === 'string' ? website : undefined,
          attributes: rest,
        });
        if (m.userId) plan.customers.push({ externalId: m.userId, accountExternalId: m.groupId, anonymousId: m.anonymousId });
        break;
      }
      case 'alias':
        plan.customers.push({ externalId: m.userId, anonymousId: m.previousId });
        break;
      case 'page':
      case 'screen': {
        const name = m.type === 'page' ? 'Page Viewed' : 'Screen Viewed';
        const props = { ...(m.properties ?? {}), ...(m.name ? { name: m.name } : {}), ...('category' in m && m.category ? { category: m.category } : {}) };
        pushEvent(plan, m, messageId, name, props, occurredAt);
        break;
      }
      case 'track': {
        const props = m.properties ?? {};
        if (m.userId && m.anonymousId) plan.customers.push({ externalId: m.userId, anonymousId: m.anonymousId });
        if (ORDER_EVENTS.has(m.event)) planOrder(plan, m, props, defaultCurrency, occurredAt, issue);
        else if (m.event === 'Order Refunded') planRefund(plan, props, messageId, defaultCurrency, occurredAt, at(), issue);
        else if (m.event === 'Order Cancelled') {
          const orderId = idOf(props.order_id);
          if (orderId) plan.cancellations.push({ orderExternalId: orderId, path: at('properties', 'order_id') });
          else issue('order_id is required', 'properties', 'order_id');
        } else if (PRODUCT_EVENTS.has(m.event)) {
          const product = productFrom(props, defaultCurrency, (msg, ...p) => issue(msg, 'properties', ...p));
          if (product) plan.products.push(product);
        }
        pushEvent(plan, m, messageId, m.event, props, occurredAt);
        break;
      }
    }
  });
  return { plan, issues };
}

function pushEvent(plan: IngestPlan, m: SegmentMessage, messageId: string, name: string, properties: Record<string, unknown>, occurredAt: Date) {
  plan.events.push({
    messageId,
    customerExternalId: m.userId,
    anonymousId: m.anonymousId,
    name,
    properties,
    context: m.context,
    occurredAt,
  });
}

type Issue = (message: string, ...path: (string | number)[]) => void;

function planOrder(plan: IngestPlan, m: SegmentMessage, props: Record<string, unknown>, defaultCurrency: string, orderedAt: Date, issue: Issue) {
  const orderId = idOf(props.order_id);
  if (!orderId) return issue('order_id is required', 'properties', 'order_id');
  const currency = currencyOf(props.currency, defaultCurrency);
  if (!currency) return issue('currency must be an ISO 4217 code such as JPY', 'properties', 'currency');
  const money = (key: string) => amount(props[key], currency, (msg) => issue(msg, 'properties', key));
  const lines: OrderLineInput[] = [];
  const products = Array.isArray(props.products) ? props.products : [];
  products.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) return issue('must be an object', 'properties', 'products', i);
    const item = p as Record<string, unknown>;
    const sku = idOf(item.sku) ?? idOf(item.product_id);
    const quantity = item.quantity === undefined ? 1 : Number(item.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) return issue('quantity must be a whole number ≥ 1', 'properties', 'products', i, 'quantity');
    const price = amount(item.price ?? 0, currency, (msg) => issue(msg, 'properties', 'products', i, 'price'));
    if (price === undefined) return;
    lines.push({
      sku,
      name: typeof item.name === 'string' ? item.name : undefined,
      category: typeof item.category === 'string' ? item.category : undefined,
      quantity,
      unitPriceMinor: price,
    });
    if (sku && (item.name || item.category)) {
      plan.products.push({ sku, name: typeof item.name === 'string' ? item.name : undefined, category: typeof item.category === 'string' ? item.category : undefined });
    }
  });
  plan.orders.push({
    externalId: orderId,
    customerExternalId: m.userId,
    anonymousId: m.userId ? undefined : m.anonymousId,
    currency,
    orderedAt,
    subtotalMinor: money('subtotal'),
    discountMinor: money('discount') ?? 0,
    taxMinor: money('tax') ?? 0,
    shippingMinor: money('shipping') ?? 0,
    // Segment: total = revenue + shipping + tax − discount; revenue alone when total is absent.
    totalMinor: money('total') ?? money('revenue'),
    couponCode: typeof props.coupon === 'string' ? props.coupon : undefined,
    lines,
    status: 'completed',
  });
}

function planRefund(plan: IngestPlan, props: Record<string, unknown>, messageId: string, defaultCurrency: string, refundedAt: Date, path: (string | number)[], issue: Issue) {
  const orderId = idOf(props.order_id);
  if (!orderId) return issue('order_id is required', 'properties', 'order_id');
  const currency = currencyOf(props.currency, defaultCurrency) ?? defaultCurrency;
  const key = props.total !== undefined ? 'total' : props.revenue !== undefined ? 'revenue' : undefined;
  let amountMinor = key ? amount(props[key], currency, (msg) => issue(msg, 'properties', key)) : undefined;
  if (amountMinor === undefined && Array.isArray(props.products) && props.products.length > 0) {
    amountMinor = props.products.reduce<number>((sum, p) => {
      const item = (p ?? {}) as Record<string, unknown>;
      return sum + (toMinor(Number(item.price ?? 0), currency) || 0) * (Number(item.quantity ?? 1) || 1);
    }, 0);
  }
  if (amountMinor === 0) return issue('a refund must be greater than 0', 'properties', key ?? 'total');
  // The message id makes the refund idempotent: a retried message is one refund.
  plan.refunds.push({ externalId: `segment:${messageId}`, orderExternalId: orderId, amountMinor, refundedAt, path: [...path, 'properties'] });
}

function productFrom(props: Record<string, unknown>, defaultCurrency: string, issue: Issue): ProductInput | undefined {
  const sku = idOf(props.sku) ?? idOf(props.product_id);
  if (!sku) return undefined;
  const currency = currencyOf(props.currency, defaultCurrency) ?? defaultCurrency;
  const price = props.price === undefined ? undefined : amount(props.price, currency, (msg) => issue(msg, 'price'));
  return {
    sku,
    name: typeof props.name === 'string' ? props.name : undefined,
    category: typeof props.category === 'string' ? props.category : undefined,
    priceMinor: price,
    currency: price === undefined ? undefined : currency,
  };
}

/** Maps identify traits (Segment's reserved names plus Japanese ones) onto a customer. */
export function customerFromTraits(
  userId: string,
  traits: Record<string, unknown>,
  context: Record<string, unknown> | undefined,
  anonymousId: string | undefined,
): { customer?: CustomerInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const used = new Set<string>();
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = traits[k];
      if (v === undefined || v === null || v === '') continue;
      used.add(k);
      return normalizeWidth(String(v));
    }
    return undefined;
  };
  const draft: Record<string, unknown> = { externalId: userId, anonymousId };
  draft.email = pick('email');
  const phone = pick('phone', 'phoneNumber', 'phone_number');
  if (phone !== undefined) {
    draft.phone = normalizePhone(phone);
    if (!draft.phone) issues.push({ path: ['phone'], message: `"${phone}" is not a valid phone number` });
  }
  draft.familyName = pick('lastName', 'last_name', 'familyName', 'family_name');
  draft.givenName = pick('firstName', 'first_name', 'givenName', 'given_name');
  const fullName = pick('name');
  if (fullName && !draft.familyName && !draft.givenName) {
    // Japanese order: family name first ("山田 太郎").
    const [family, ...given] = fullName.split(/\s+/);
    draft.familyName = family;
    draft.givenName = given.length > 0 ? given.join(' ') : undefined;
  }
  draft.familyNameKana = pick('lastNameKana', 'last_name_kana', 'familyNameKana', 'family_name_kana');
  draft.givenNameKana = pick('firstNameKana', 'first_name_kana', 'givenNameKana', 'given_name_kana');
  draft.lineUserId = pick('lineUserId', 'line_user_id');
  const birthday = pick('birthday');
  if (birthday !== undefined) draft.birthday = birthday.slice(0, 10).replace(/\//g, '-');
  const createdAt = pick('createdAt', 'created_at');
  if (createdAt !== undefined) draft.createdAt = parseInstantOrUndefined(createdAt) ?? createdAt;

  const address = traits.address;
  if (address && typeof address === 'object') {
    used.add('address');
    const a = address as Record<string, unknown>;
    const text = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : normalizeWidth(String(v)));
    const postal = text(a.postalCode ?? a.postal_code ?? a.zip);
    if (postal !== undefined) {
      draft.postalCode = normalizePostalCode(postal);
      if (!draft.postalCode) issues.push({ path: ['address', 'postalCode'], message: `"${postal}" is not a 7-digit postal code` });
    }
    draft.prefecture = text(a.state ?? a.prefecture);
    draft.city = text(a.city);
    draft.addressLine1 = text(a.street ?? a.line1);
    draft.addressLine2 = text(a.street2 ?? a.line2 ?? a.building);
    const country = text(a.country);
    if (country) draft.country = country.length === 2 ? country.toUpperCase() : country === 'Japan' || country === '日本' ? 'JP' : undefined;
  }
  if (Array.isArray(traits.consents)) {
    used.add('consents');
    draft.consents = traits.consents;
  }
  if (typeof context?.locale === 'string') draft.locale = context.locale;
  if (typeof context?.timezone === 'string') draft.timeZone = context.timezone;
  draft.attributes = Object.fromEntries(Object.entries(traits).filter(([k]) => !used.has(k) && !RESERVED_TRAITS.has(k)));

  const parsed = customerInput.safeParse(Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined)));
  if (!parsed.success) issues.push(...zodIssues(parsed.error));
  return { customer: issues.length === 0 && parsed.success ? parsed.data : undefined, issues };
}

/** Traits consumed above under another name, which should not also land in attributes. */
const RESERVED_TRAITS = new Set(['userId', 'id']);

const parseInstantOrUndefined = (v: string | undefined) => (v ? parseInstant(v) : undefined);

function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

function currencyOf(v: unknown, fallback: string): string | undefined {
  if (v === undefined || v === null || v === '') return fallback;
  const code = String(v).trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : undefined;
}

function amount(v: unknown, currency: string, issue: (message: string) => void): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    issue(`must be a non-negative amount, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return toMinor(n, currency);
}

/** Libraries always send messageId; for one that did not, the content itself is the key, so a retry dedupes. */
function derivedMessageId(m: SegmentMessage): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(m)).digest('hex')}`;
}
