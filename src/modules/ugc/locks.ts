import type { Queryable } from '../../db/database.ts';

/** Serialises a customer's entries and approvals in one campaign, so caps hold under concurrency. */
export async function lockCustomerInCampaign(tx: Queryable, campaignId: string, customerId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ugc:${campaignId}:${customerId}`]);
}
