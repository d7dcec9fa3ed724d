import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { UgcCampaign, UgcEntry, UgcReward } from './types.ts';

/* How a UGC campaign or entry reads in lists: status and reward badges, reward and period texts, the entrant's name. */

export function StatusBadge({ status }: { status: UgcCampaign['status'] }) {
  const { t } = useI18n();
  const tone = status === 'active' ? 'badge-positive' : 'badge-neutral';
  return <span className={`badge ${tone}`}>{t(`ugc.status.${status}`)}</span>;
}

export function RewardText({ reward }: { reward: UgcReward }) {
  const { t } = useI18n();
  const format = useFormat();
  if (reward.kind === 'points') return <>{t('ugc.reward.points', { points: format.number(reward.points) })}</>;
  return <>{t(reward.kind === 'coupon' ? 'ugc.reward.coupon' : 'ugc.reward.none')}</>;
}

export function PeriodText({ campaign }: { campaign: Pick<UgcCampaign, 'startsAt' | 'endsAt'> }) {
  const { t } = useI18n();
  const format = useFormat();
  const from = format.date(campaign.startsAt);
  return <>{campaign.endsAt ? t('ugc.period.range', { from, to: format.date(campaign.endsAt) }) : t('ugc.period.open', { from })}</>;
}

export function RewardBadge({ entry }: { entry: Pick<UgcEntry, 'rewardStatus' | 'rewardError'> }) {
  const { t } = useI18n();
  if (entry.rewardStatus === 'none') return null;
  const tone = entry.rewardStatus === 'granted' ? 'badge-positive' : entry.rewardStatus === 'failed' ? 'badge-negative' : 'badge-neutral';
  return (
    <span className={`badge ${tone}`} title={entry.rewardError ?? undefined}>
      {t(`ugc.rewardStatus.${entry.rewardStatus}`)}
    </span>
  );
}

export function entrantName(entry: Pick<UgcEntry, 'customerName' | 'customerEmail' | 'customerExternalId'>, fallback: string): string {
  return entry.customerName ?? entry.customerEmail ?? entry.customerExternalId ?? fallback;
}
