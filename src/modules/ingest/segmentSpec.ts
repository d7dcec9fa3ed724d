import { z } from 'zod';

/**
 * Messages of the Segment HTTP tracking API (also sent by RudderStack and Jitsu). Unknown fields are
 * kept (passthrough): pipelines send more than the spec names, and the extra context is useful.
 */
const id = z.union([z.string().min(1).max(255), z.number()]).transform(String);
/** Timestamps: RFC 3339 with an offset or local, or a calendar date (`batchValidator.ts` tests the same patterns). */
export const TIMESTAMP_FORMAT = { offset: true, local: true } as const;
const timestamp = z.union([z.iso.datetime(TIMESTAMP_FORMAT), z.iso.date()]);
const properties = z.record(z.string(), z.unknown());

const common = {
  messageId: z.string().min(1).max(255).optional(),
  userId: id.optional(),
  anonymousId: id.optional(),
  timestamp: timestamp.optional(),
  originalTimestamp: timestamp.optional(),
  sentAt: timestamp.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  integrations: z.record(z.string(), z.unknown()).optional(),
};

export const identifyMessage = z.looseObject({ type: z.literal('identify'), ...common, traits: properties.optional() });
export const trackMessage = z.looseObject({ type: z.literal('track'), ...common, event: z.string().min(1).max(255), properties: properties.optional() });
export const pageMessage = z.looseObject({ type: z.literal('page'), ...common, name: z.string().max(255).optional(), category: z.string().optional(), properties: properties.optional() });
export const screenMessage = z.looseObject({ type: z.literal('screen'), ...common, name: z.string().max(255).optional(), properties: properties.optional() });
export const groupMessage = z.looseObject({ type: z.literal('group'), ...common, groupId: id, traits: properties.optional() });
export const aliasMessage = z.looseObject({ type: z.literal('alias'), ...common, previousId: id, userId: id });

export const segmentMessage = z.discriminatedUnion('type', [identifyMessage, trackMessage, pageMessage, screenMessage, groupMessage, aliasMessage]);
export type SegmentMessage = z.infer<typeof segmentMessage>;

/** Messages per batch; Segment's own limit is 500 KB, ours on bytes is the server's body limit. */
export const MAX_BATCH_MESSAGES = 5000;

export const batchRequest = z.looseObject({
  batch: z.array(segmentMessage).min(1).max(MAX_BATCH_MESSAGES),
  context: z.record(z.string(), z.unknown()).optional(),
  sentAt: timestamp.optional(),
});

/** The single-message endpoints take the message without `type`; the route adds it. */
export const withoutType = <T extends z.ZodObject>(schema: T) => schema.omit({ type: true } as never);
