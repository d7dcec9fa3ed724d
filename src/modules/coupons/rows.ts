import type { Campaign } from './types.ts';

export function toCampaign(r: Record<string, unknown>): Campaign {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as Campaign['kind'],
    value: r.value as number,
    currency: r.currency as string,
    minSpendMinor: r.min_spend_minor as number,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date | null,
    validDays: r.valid_days as number | null,
    perCustomerLimit: r.per_customer_limit as number | null,
    budgetMinor: r.budget_minor as number | null,
    maxRedemptions: r.max_redemptions as number | null,
    spentMinor: r.spent_minor as number,
    redemptions: r.redemptions as number,
    codePrefix: r.code_prefix as string,
    codeLength: r.code_length as number,
    status: r.status as Campaign['status'],
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
