import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { Options } from '../../components/Options.tsx';
import { TableHead } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import type { Page } from '../../types.ts';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { CouponCampaign } from '../campaigns/types.ts';
import { REWARD_KINDS, type LoyaltySettings, type Reward, type RewardKind } from './types.ts';

/** The rewards catalog: what points buy (coupons, gifts with stock, event seats). */
export function Rewards() {
  const { t } = useI18n();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'admin');
  const rewards = useApi<{ data: Reward[] }>('/v1/loyalty/rewards');
  return (
    <>
      {canEdit && <NewReward onCreated={rewards.reload} />}
      <Loaded state={rewards} isEmpty={(d) => d.data.length === 0} empty={<EmptyState compact title={t('loyalty.rewards.none')} hint={canEdit ? t('loyalty.rewards.noneHint') : t('loyalty.adminOnly')} />}>
        {(data) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('loyalty.tab.rewards')}</caption>
              <TableHead
                columns={[
                  { header: t('loyalty.rewards.name') },
                  { header: t('loyalty.rewards.kind') },
                  { header: t('loyalty.rewards.cost'), numeric: true },
                  { header: t('loyalty.rewards.stock') },
                  { header: t('loyalty.rewards.minTier') },
                  { header: t('loyalty.rewards.status') },
                ]}
              />
              <tbody>
                {data.data.map((r) => (
                  <RewardRow key={r.id} reward={r} canEdit={canEdit} onChanged={rewards.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </>
  );
}

function RewardRow({ reward, canEdit, onChanged }: { reward: Reward; canEdit: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const [stock, setStock] = useState(reward.stock === null ? '' : String(reward.stock));
  const [error, setError] = useState<unknown>();
  const patch = async (body: Partial<Pick<Reward, 'stock' | 'active'>>) => {
    setError(undefined);
    try {
      await api(`/v1/loyalty/rewards/${reward.id}`, { method: 'PATCH', body });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const stockChanged = stock !== (reward.stock === null ? '' : String(reward.stock));
  return (
    <tr className={reward.active ? undefined : 'row-muted'}>
      <td>
        <span className="strong">{reward.name}</span>
        {reward.eventAt && <span className="muted small segment-description">{format.dateTime(reward.eventAt)}</span>}
        {error !== undefined && <ErrorNotice error={error} />}
      </td>
      <td>{t(`loyalty.kind.${reward.kind}`)}</td>
      <td className="numeric">{format.number(reward.costPoints)}</td>
      <td>
        {canEdit ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void patch({ stock: stock === '' ? null : Number(stock) });
            }}
          >
            <label>
              <span className="visually-hidden">{t('loyalty.rewards.stockOf', { name: reward.name })}</span>
              <input type="number" min={0} value={stock} placeholder={t('loyalty.rewards.unlimited')} onChange={(e) => setStock(e.target.value)} className="input-narrow" />
            </label>
            {stockChanged && (
              <button type="submit" className="button button-secondary button-small">
                {t('loyalty.save')}
              </button>
            )}
          </form>
        ) : reward.stock === null ? (
          t('loyalty.rewards.unlimited')
        ) : (
          format.number(reward.stock)
        )}
      </td>
      <td>{reward.minTier ?? <span className="muted">{t('loyalty.rewards.anyTier')}</span>}</td>
      <td>
        <span className={`badge ${reward.active ? 'badge-positive' : 'badge-neutral'}`}>{reward.active ? t('loyalty.active') : t('loyalty.inactive')}</span>{' '}
        {canEdit && (
          <button type="button" className="button button-ghost button-small" onClick={() => void patch({ active: !reward.active })} aria-label={t(reward.active ? 'loyalty.deactivateNamed' : 'loyalty.activateNamed', { name: reward.name })}>
            {reward.active ? t('loyalty.deactivate') : t('loyalty.activate')}
          </button>
        )}
      </td>
    </tr>
  );
}

function NewReward({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const settings = useApi<LoyaltySettings>('/v1/loyalty/settings');
  const coupons = useApi<Page<CouponCampaign>>('/v1/coupon-campaigns?status=active&limit=200');
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<RewardKind>('coupon');
  const [cost, setCost] = useState('500');
  const [couponCampaignId, setCouponCampaignId] = useState('');
  const [stock, setStock] = useState('');
  const [minTier, setMinTier] = useState('');
  const [eventAt, setEventAt] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api('/v1/loyalty/rewards', {
        method: 'POST',
        body: {
          name: name.trim(),
          kind,
          costPoints: Number(cost),
          couponCampaignId: kind === 'coupon' ? couponCampaignId || null : null,
          stock: stock === '' ? null : Number(stock),
          minTier: minTier || null,
          eventAt: kind === 'event' && eventAt ? new Date(eventAt).toISOString() : null,
        },
      });
      setName('');
      setOpen(false);
      onCreated();
    });
  };

  if (!open) {
    return (
      <p>
        <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
          {t('loyalty.rewards.new')}
        </button>
      </p>
    );
  }
  return (
    <form className="card form" onSubmit={(e) => void submit(e)}>
      <h2>{t('loyalty.rewards.new')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="reward-name">{t('loyalty.rewards.name')}</label>
          <input id="reward-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder={t('loyalty.rewards.namePlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="reward-kind">{t('loyalty.rewards.kind')}</label>
          <select id="reward-kind" value={kind} onChange={(e) => setKind(e.target.value as RewardKind)}>
            <Options items={REWARD_KINDS} label={(k) => t(`loyalty.kind.${k}`)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="reward-cost">{t('loyalty.rewards.cost')}</label>
          <input id="reward-cost" type="number" min={0} value={cost} onChange={(e) => setCost(e.target.value)} required />
        </div>
        {kind === 'coupon' && (
          <div className="field">
            <label htmlFor="reward-coupon">{t('loyalty.rewards.coupon')}</label>
            <select id="reward-coupon" value={couponCampaignId} onChange={(e) => setCouponCampaignId(e.target.value)} required>
              <option value="">{t('loyalty.rewards.chooseCoupon')}</option>
              <Options items={coupons.data?.data} value={(c) => c.id} label={(c) => c.name} />
            </select>
            {coupons.data && coupons.data.data.length === 0 && <p className="muted small">{t('loyalty.rewards.noCoupons')}</p>}
          </div>
        )}
        <div className="field">
          <label htmlFor="reward-stock">{t('loyalty.rewards.stock')}</label>
          <input id="reward-stock" type="number" min={0} value={stock} onChange={(e) => setStock(e.target.value)} placeholder={t('loyalty.rewards.unlimited')} />
        </div>
        <div className="field">
          <label htmlFor="reward-tier">{t('loyalty.rewards.minTier')}</label>
          <select id="reward-tier" value={minTier} onChange={(e) => setMinTier(e.target.value)}>
            <option value="">{t('loyalty.rewards.anyTier')}</option>
            <Options items={settings.data?.tiers} value={(x) => x.name} label={(x) => x.name} />
          </select>
        </div>
        {kind === 'event' && (
          <div className="field">
            <label htmlFor="reward-event">{t('loyalty.rewards.eventAt')}</label>
            <input id="reward-event" type="datetime-local" value={eventAt} onChange={(e) => setEventAt(e.target.value)} />
          </div>
        )}
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
          {t('loyalty.rewards.create')}
        </button>
        <button type="button" className="button button-ghost" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
