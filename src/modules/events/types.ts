import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

export const eventInput = z.object({
  /** Unique per workspace: a repeated messageId is stored once (Segment's dedup key). */
  messageId: z.string().trim().min(1).max(255),
  customerExternalId: z.string().trim().min(1).max(255).optional(),
  anonymousId: z.string().trim().min(1).max(255).optional(),
  name: z.string().trim().min(1).max(255),
  properties: z.record(z.string(), z.unknown()).default({}),
  context: z.record(z.string(), z.unknown()).optional(),
  occurredAt: instant(),
});
export type EventInput = z.infer<typeof eventInput>;

export interface StoredEvent {
  id: string;
  customerId: string;
  messageId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  receivedAt: Date;
}
