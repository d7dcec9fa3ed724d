import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

export const accountInput = z.object({
  externalId: z.string().trim().min(1).max(255),
  name: z.string().trim().max(500).nullable().optional(),
  domain: z.string().trim().max(255).nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type AccountInput = z.infer<typeof accountInput>;

export const subscriptionInput = z.object({
  externalId: z.string().trim().min(1).max(255),
  accountExternalId: z.string().trim().min(1).max(255),
  plan: z.string().trim().min(1).max(255),
  seats: z.number().int().nonnegative().default(1),
  mrrMinor: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  status: z.enum(['trialing', 'active', 'past_due', 'canceled']),
  startedAt: instant(),
  renewsAt: instant().nullable().optional(),
  canceledAt: instant().nullable().optional(),
});
export type SubscriptionInput = z.infer<typeof subscriptionInput>;

export interface Account {
  id: string;
  externalId: string;
  name: string | null;
  domain: string | null;
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface Subscription {
  id: string;
  externalId: string;
  accountId: string;
  plan: string;
  seats: number;
  mrrMinor: number;
  currency: string;
  status: SubscriptionInput['status'];
  startedAt: Date;
  renewsAt: Date | null;
  canceledAt: Date | null;
}
