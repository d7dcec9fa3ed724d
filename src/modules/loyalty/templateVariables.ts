import type { RecipientVariableLoader } from '../messaging/types.ts';

/**
 * `{{ loyalty.points }}` and `{{ loyalty.tier }}` in message templates: the member's spendable
 * balance and tier, read when messaging loads a batch (pending points are not spendable yet, so not
 * shown). A customer who is not a member gets nothing, so `{% if loyalty.points %}` hides the
 * block. Handed to messaging by the composition root (src/app/services.ts), not registered on import.
 */
export const loyaltyVariables: RecipientVariableLoader = async (q, workspaceId, customerIds) => {
  const { rows } = await q.query<{ customer_id: string; tier: string | null; balance: string | null }>(
    `SELECT m.customer_id, m.tier, b.balance FROM loyalty_members m
     LEFT JOIN points_balances b ON b.workspace_id = m.workspace_id AND b.customer_id = m.customer_id
     WHERE m.workspace_id = $1 AND m.customer_id = ANY($2::uuid[])`,
    [workspaceId, customerIds],
  );
  return new Map(rows.map((r) => [r.customer_id, { points: Number(r.balance ?? 0), tier: r.tier ?? '' }]));
};
