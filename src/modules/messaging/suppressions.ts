import { CustomerService } from '../customers/index.ts';

export type SuppressionReason = 'unsubscribed' | 'hard_bounce' | 'complaint';

/**
 * Messaging's writes to the suppression list (unsubscribe clicks, bounce and complaint webhooks,
 * provider rejections) go through the customers module, which owns the list and its rules.
 */
export const addSuppressions: typeof CustomerService.addSuppressions = (q, workspaceId, entries) => CustomerService.addSuppressions(q, workspaceId, entries);
