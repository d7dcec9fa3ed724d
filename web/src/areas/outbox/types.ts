/** A message the outbox channel stored instead of sending, from /openapi.json (apiTypes.ts). */
import type { Get, Item } from '../../apiTypes.ts';

export type OutboxMessage = Item<Get<'/v1/messaging/outbox'>['data']>;
export type OutboxMessageDetail = Get<'/v1/messaging/outbox/{id}'>;
