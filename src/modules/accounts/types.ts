import { z } from 'zod';

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
  startedAt: z.coerce.date(),
  renewsAt: z.coerce.date().nullable().optional(),
  canceledAt: z.coerce.date().nullable().optional(),
});
export type SubscriptionInput = z.infer<typeof subscriptionInput>;
