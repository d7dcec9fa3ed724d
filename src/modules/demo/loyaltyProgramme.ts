import type { DemoServices } from './demoServices.ts';
import type { ProcessSummary } from '../loyalty/index.ts';

const DAY = 86_400_000;

/**
 * The demo's loyalty programme: 1 point per ¥100 with bonuses, three tiers by 12-month spend,
 * points pending 14 days and expiring 12 months after. Orders of the last 15 months earn, as if the
 * programme had started then, and the programme is processed as of the data's end: members have a
 * points history, tiers, points that expired and points expiring within the month.
 */
export async function seedDemoLoyalty(services: DemoServices, workspaceId: string, end: Date): Promise<ProcessSummary | null> {
  if ((await services.loyalty.programmeWorkspaces()).includes(workspaceId)) return null;
  const since = new Date(end.getTime() - 15 * 30.4375 * DAY);
  await services.loyalty.updateSettings(workspaceId, {
    earn: { points: 1, perMinor: 100 },
    categoryMultipliers: { ペット: 2 },
    firstPurchaseBonus: 200,
    eventBonuses: { 'Review Submitted': 50 },
    birthdayMonthMultiplier: 2,
    earnOrdersSince: since.toISOString(),
    pendingDays: 14,
    expiryMonths: 12,
    expiringSoonDays: 30,
    tierBasis: 'spend',
    tierWindowMonths: 12,
    tiers: [
      { name: 'ブロンズ', threshold: 0 },
      { name: 'シルバー', threshold: 30_000, earnMultiplier: 1.2 },
      { name: 'ゴールド', threshold: 100_000, earnMultiplier: 1.5, earlyAccess: true },
    ],
    referral: { refereeReward: { points: 300 }, referrerReward: { points: 500 } },
  });
  return services.loyalty.process(workspaceId, { now: end });
}
