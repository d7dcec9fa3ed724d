import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

const minor = z.number().int();

export const orderLineInput = z.object({
  sku: z.string().trim().min(1).max(255).optional(),
  name: z.string().trim().max(500).optional(),
  category: z.string().trim().max(255).optional(),
  quantity: z.number().int().positive().default(1),
  unitPriceMinor: minor.nonnegative(),
});
export type OrderLineInput = z.infer<typeof orderLineInput>;

/** An order as the source system sees it; sending the same externalId again replaces it (lines too). */
export const orderInput = z
  .object({
    externalId: z.string().trim().min(1).max(255),
    customerExternalId: z.string().trim().min(1).max(255).optional(),
    /** Our id, when the caller already resolved the customer (an anonymous visitor has no external id). */
    customerId: z.uuid().optional(),
    status: z.enum(['pending', 'completed', 'cancelled']).default('completed'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    orderedAt: instant(),
    subtotalMinor: minor.nonnegative().optional(),
    discountMinor: minor.nonnegative().default(0),
    taxMinor: minor.nonnegative().default(0),
    shippingMinor: minor.nonnegative().default(0),
    /** Defaults to subtotal − discount + tax + shipping; subtotal defaults to the sum of the lines. */
    totalMinor: minor.nonnegative().optional(),
    couponCode: z.string().trim().max(100).nullable().optional(),
    lines: z.array(orderLineInput).max(1000).default([]),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((o) => o.customerExternalId !== undefined || o.customerId !== undefined, {
    message: 'give customerExternalId (or customerId)',
    path: ['customerExternalId'],
  })
  .refine((o) => o.totalMinor !== undefined || o.subtotalMinor !== undefined || o.lines.length > 0, {
    message: 'give totalMinor, subtotalMinor or lines',
    path: ['totalMinor'],
  });
export type OrderInput = z.infer<typeof orderInput>;

/** A refund corrects revenue; the sum of an order's refunds cannot exceed its total. */
export const refundInput = z.object({
  externalId: z.string().trim().min(1).max(255),
  orderExternalId: z.string().trim().min(1).max(255),
  amountMinor: minor.positive(),
  reason: z.string().trim().max(500).optional(),
  refundedAt: instant(),
});
export type RefundInput = z.infer<typeof refundInput>;

export interface OrderLine {
  lineNo: number;
  productId: string | null;
  sku: string | null;
  name: string | null;
  category: string | null;
  quantity: number;
  unitPriceMinor: number;
  totalMinor: number;
}

export interface Order {
  id: string;
  externalId: string;
  customerId: string;
  status: 'pending' | 'completed' | 'cancelled';
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  shippingMinor: number;
  totalMinor: number;
  refundedMinor: number;
  /** What the order is worth after refunds and cancellation: the figure KPIs use. */
  netMinor: number;
  couponCode: string | null;
  orderedAt: Date;
  attributes: Record<string, unknown>;
  lines: OrderLine[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Refund {
  id: string;
  externalId: string;
  orderId: string;
  amountMinor: number;
  reason: string | null;
  refundedAt: Date;
  createdAt: Date;
}
