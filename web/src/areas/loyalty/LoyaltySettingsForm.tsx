import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, FieldError, issueAt, Loading } from '../../components/Feedback.tsx';
import { TableHead } from '../../components/Table.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { LoyaltySettings, Tier } from './types.ts';

/** Earning rules, expiry, tiers and referral rewards; the server validates and fills the defaults. */
export function LoyaltySettingsForm() {
  const { data, error, loading, reload } = useApi<LoyaltySettings>('/v1/loyalty/settings');
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return loading ? <Loading /> : null;
  return <Editor initial={data} onSaved={reload} />;
}

function Editor({ initial, onSaved }: { initial: LoyaltySettings; onSaved: () => void }) {
  const { t } = useI18n();
  const { scopes, workspace } = useSession();
  const canEdit = hasScope(scopes, 'admin');
  const [s, setS] = useState<LoyaltySettings>(initial);
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const update = (patch: Partial<LoyaltySettings>) => {
    setSaved(false);
    setS((current) => ({ ...current, ...patch }));
  };
  const setTier = (i: number, patch: Partial<Tier>) => update({ tiers: s.tiers.map((x, j) => (j === i ? { ...x, ...patch } : x)) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      setS(await api<LoyaltySettings>('/v1/loyalty/settings', { method: 'PUT', body: s }));
      setSaved(true);
      onSaved();
    });
  };

  const num = (value: string) => (value === '' ? 0 : Number(value));
  const spend = s.tierBasis === 'spend';
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      {!canEdit && <p className="notice notice-info">{t('loyalty.adminOnly')}</p>}
      <fieldset className="card form" disabled={!canEdit}>
        <legend className="card-legend">{t('loyalty.settings.earning')}</legend>
        <div className="form-grid">
          <NumberField id="earn-points" path="earn.points" error={error} label={t('loyalty.settings.earnPoints')} value={s.earn.points} onChange={(v) => update({ earn: { ...s.earn, points: num(v) } })} />
          <NumberField
            id="earn-per"
            path="earn.perMinor"
            error={error}
            label={t('loyalty.settings.earnPer', { currency: workspace.currency })}
            value={s.earn.perMinor}
            min={1}
            onChange={(v) => update({ earn: { ...s.earn, perMinor: num(v) } })}
          />
          <NumberField id="first-bonus" path="firstPurchaseBonus" error={error} label={t('loyalty.settings.firstBonus')} value={s.firstPurchaseBonus} onChange={(v) => update({ firstPurchaseBonus: num(v) })} />
          <NumberField id="birthday-mult" path="birthdayMonthMultiplier" error={error} label={t('loyalty.settings.birthday')} value={s.birthdayMonthMultiplier} step={0.1} min={0.1} onChange={(v) => update({ birthdayMonthMultiplier: num(v) })} />
          <NumberField
            id="max-per-order"
            path="maxPointsPerOrder"
            error={error}
            label={t('loyalty.settings.maxPerOrder')}
            value={s.maxPointsPerOrder ?? ''}
            placeholder={t('loyalty.settings.noLimit')}
            onChange={(v) => update({ maxPointsPerOrder: v === '' ? null : num(v) })}
          />
          <NumberField id="pending-days" path="pendingDays" error={error} label={t('loyalty.settings.pendingDays')} value={s.pendingDays} max={365} onChange={(v) => update({ pendingDays: num(v) })} />
          <NumberField
            id="expiry-months"
            path="expiryMonths"
            error={error}
            label={t('loyalty.settings.expiryMonths')}
            value={s.expiryMonths ?? ''}
            min={1}
            placeholder={t('loyalty.settings.never')}
            onChange={(v) => update({ expiryMonths: v === '' ? null : num(v) })}
          />
          <NumberField id="point-value" path="pointValueMinor" error={error} label={t('loyalty.settings.pointValue', { currency: workspace.currency })} value={s.pointValueMinor} step={0.01} min={0.01} onChange={(v) => update({ pointValueMinor: num(v) })} />
        </div>
        <p className="muted small">{t('loyalty.settings.earnExample', { points: s.earn.points, per: s.earn.perMinor })}</p>
      </fieldset>

      <fieldset className="card form" disabled={!canEdit}>
        <legend className="card-legend">{t('loyalty.settings.tiers')}</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="tier-basis">{t('loyalty.settings.tierBasis')}</label>
            <select id="tier-basis" value={s.tierBasis} onChange={(e) => update({ tierBasis: e.target.value as 'spend' | 'points' })}>
              <option value="spend">{t('loyalty.settings.basis.spend')}</option>
              <option value="points">{t('loyalty.settings.basis.points')}</option>
            </select>
          </div>
          <NumberField id="tier-window" path="tierWindowMonths" error={error} label={t('loyalty.settings.tierWindow')} value={s.tierWindowMonths} min={1} max={36} onChange={(v) => update({ tierWindowMonths: num(v) })} />
          <NumberField id="tier-grace" path="tierGracePercent" error={error} label={t('loyalty.settings.tierGrace')} value={s.tierGracePercent} max={100} onChange={(v) => update({ tierGracePercent: num(v) })} />
        </div>
        {s.tiers.length === 0 && <p className="muted">{t('loyalty.settings.noTiers')}</p>}
        {s.tiers.length > 0 && (
          <table className="table table-compact tier-table">
            <TableHead
              columns={[
                { header: t('loyalty.settings.tierName') },
                { header: spend ? t('loyalty.settings.thresholdSpend', { currency: workspace.currency }) : t('loyalty.settings.thresholdPoints') },
                { header: t('loyalty.settings.multiplier') },
                { header: t('loyalty.settings.earlyAccess') },
                { header: t('loyalty.settings.events') },
                { header: <span className="visually-hidden">{t('loyalty.settings.actions')}</span> },
              ]}
            />
            <tbody>
              {s.tiers.map((tier, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={t('loyalty.settings.tierNameN', { n: i + 1 })} value={tier.name} onChange={(e) => setTier(i, { name: e.target.value })} maxLength={50} />
                  </td>
                  <td>
                    <input
                      aria-label={t('loyalty.settings.thresholdN', { n: i + 1 })}
                      type="number"
                      min={0}
                      value={tier.threshold}
                      onChange={(e) => setTier(i, { threshold: num(e.target.value) })}
                      className="input-narrow"
                    />
                  </td>
                  <td>
                    <input
                      aria-label={t('loyalty.settings.multiplierN', { n: i + 1 })}
                      type="number"
                      min={0.1}
                      step={0.1}
                      value={tier.earnMultiplier}
                      onChange={(e) => setTier(i, { earnMultiplier: num(e.target.value) })}
                      className="input-narrow"
                    />
                  </td>
                  <td>
                    <input aria-label={t('loyalty.settings.earlyAccessN', { n: i + 1 })} type="checkbox" checked={tier.earlyAccess} onChange={(e) => setTier(i, { earlyAccess: e.target.checked })} />
                  </td>
                  <td>
                    <input aria-label={t('loyalty.settings.eventsN', { n: i + 1 })} type="checkbox" checked={tier.exclusiveEvents} onChange={(e) => setTier(i, { exclusiveEvents: e.target.checked })} />
                  </td>
                  <td>
                    <button type="button" className="button button-ghost button-small" onClick={() => update({ tiers: s.tiers.filter((_, j) => j !== i) })}>
                      {t('loyalty.settings.removeTier')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canEdit && (
          <p>
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() =>
                update({
                  tiers: [
                    ...s.tiers,
                    { name: '', threshold: (s.tiers.at(-1)?.threshold ?? 0) + (spend ? 50_000 : 500), earnMultiplier: 1, upgradeCouponCampaignId: null, earlyAccess: false, exclusiveEvents: false },
                  ],
                })
              }
            >
              {t('loyalty.settings.addTier')}
            </button>
          </p>
        )}
        <FieldError error={error} path="tiers" id="tiers-error" />
        <p className="muted small">{t('loyalty.settings.tiersHint')}</p>
      </fieldset>

      <fieldset className="card form" disabled={!canEdit}>
        <legend className="card-legend">{t('loyalty.settings.referral')}</legend>
        <div className="form-grid">
          <NumberField
            id="referee-points"
            path="referral.refereeReward.points"
            error={error}
            label={t('loyalty.settings.refereePoints')}
            value={s.referral.refereeReward.points}
            onChange={(v) => update({ referral: { ...s.referral, refereeReward: { ...s.referral.refereeReward, points: num(v) } } })}
          />
          <NumberField
            id="referrer-points"
            path="referral.referrerReward.points"
            error={error}
            label={t('loyalty.settings.referrerPoints')}
            value={s.referral.referrerReward.points}
            onChange={(v) => update({ referral: { ...s.referral, referrerReward: { ...s.referral.referrerReward, points: num(v) } } })}
          />
          <NumberField
            id="referrer-cap"
            path="referral.maxRewardsPerReferrer"
            error={error}
            label={t('loyalty.settings.referrerCap')}
            value={s.referral.maxRewardsPerReferrer ?? ''}
            min={1}
            placeholder={t('loyalty.settings.noLimit')}
            onChange={(v) => update({ referral: { ...s.referral, maxRewardsPerReferrer: v === '' ? null : num(v) } })}
          />
          <div className="field">
            <label htmlFor="referral-link">{t('loyalty.settings.linkBase')}</label>
            <input
              id="referral-link"
              type="url"
              value={s.referral.linkBase ?? ''}
              placeholder="https://shop.example.jp/r/"
              onChange={(e) => update({ referral: { ...s.referral, linkBase: e.target.value || null } })}
            />
          </div>
        </div>
      </fieldset>
      {error !== undefined && <ErrorNotice error={error} />}
      {saved && (
        <p className="notice notice-success" role="status">
          {t('loyalty.settings.saved')}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('loyalty.saving') : t('loyalty.settings.save')}
          </button>
        </div>
      )}
    </form>
  );
}

function NumberField({
  id,
  path,
  error,
  label,
  value,
  min = 0,
  max,
  step = 1,
  placeholder,
  onChange,
}: {
  id: string;
  /** Where the API names this field in its issues ("earn.points"); its complaint shows under the input. */
  path: string;
  error: unknown;
  label: string;
  value: number | '';
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value}
        min={min}
        max={max}
        step={step}
        placeholder={placeholder}
        aria-invalid={issueAt(error, path) ? true : undefined}
        aria-describedby={issueAt(error, path) ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError error={error} path={path} id={`${id}-error`} />
    </div>
  );
}
