import { useEffect, useState } from 'react';
import { Options } from '../../components/Options.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { Channel } from './types.ts';

/** What the editor adds to the campaign's create body (docs/messaging.md, "A/B tests and the winner rule"). */
export interface AbTestBody {
  abTest?: {
    variants: { key: string; subject?: string; fromName?: string; sendTime?: { mode: 'usual_hour' } }[];
    testShare: number;
    decideAfterMinutes: number;
    metric: Metric;
    confidence: number;
    minPerVariant: number;
  };
  sendTime?: { mode: 'usual_hour' };
}

type Dimension = 'subject' | 'fromName' | 'sendTime';
type Metric = 'opens' | 'clicks' | 'conversions' | 'revenue';
const KEYS = ['A', 'B', 'C', 'D'];

/** The campaign form's A/B test and send-time options; the first variant is the control (the content above). */
export function AbTestEditor({ channel, onChange }: { channel: Channel; onChange: (body: AbTestBody) => void }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState(false);
  const [dimension, setDimension] = useState<Dimension>('subject');
  const [values, setValues] = useState<string[]>(['', '']);
  const [testShare, setTestShare] = useState('20');
  const [decideHours, setDecideHours] = useState('4');
  const [metric, setMetric] = useState<Metric>('clicks');
  const [confidence, setConfidence] = useState('0.95');
  const [minPerVariant, setMinPerVariant] = useState('100');
  const [usualHour, setUsualHour] = useState(false);
  const email = channel === 'email';
  const dim: Dimension = !email && dimension !== 'sendTime' ? 'sendTime' : dimension;
  const variantCount = dim === 'sendTime' ? 2 : values.length;

  useEffect(() => {
    const body: AbTestBody = {};
    if (enabled) {
      const variants = KEYS.slice(0, variantCount).map((key, i) => {
        if (i === 0) return { key };
        if (dim === 'sendTime') return { key, sendTime: { mode: 'usual_hour' as const } };
        const v = values[i]?.trim();
        return v ? { key, [dim]: v } : { key };
      });
      body.abTest = {
        variants,
        testShare: Number(testShare) || 20,
        decideAfterMinutes: Math.round((Number(decideHours) || 4) * 60),
        metric,
        confidence: Number(confidence),
        minPerVariant: Number(minPerVariant) || 100,
      };
    }
    if (usualHour && !(enabled && dim === 'sendTime')) body.sendTime = { mode: 'usual_hour' };
    onChange(body);
  }, [enabled, dim, values, variantCount, testShare, decideHours, metric, confidence, minPerVariant, usualHour, onChange]);

  return (
    <section className="card form ab-test-editor" aria-labelledby="ab-title">
      <h2 id="ab-title">{t('campaigns.ab.title')}</h2>
      <label className="checkbox">
        <input id="ab-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        {t('campaigns.ab.enable')}
      </label>
      <p className="muted small">{t('campaigns.ab.hint')}</p>
      {enabled && (
        <>
          <div className="field">
            <label htmlFor="ab-dimension">{t('campaigns.ab.dimension')}</label>
            <select id="ab-dimension" value={dim} onChange={(e) => setDimension(e.target.value as Dimension)}>
              {email && <option value="subject">{t('campaigns.ab.dim.subject')}</option>}
              {email && <option value="fromName">{t('campaigns.ab.dim.fromName')}</option>}
              <option value="sendTime">{t('campaigns.ab.dim.sendTime')}</option>
            </select>
          </div>
          {dim === 'sendTime' ? (
            <ul className="plain-list">
              <li>{t('campaigns.ab.variant', { key: 'A' })}: {t('campaigns.ab.fixedTime')}</li>
              <li>{t('campaigns.ab.variant', { key: 'B' })}: {t('campaigns.ab.usualHour')}</li>
            </ul>
          ) : (
            <>
              {values.map((v, i) => (
                <div className="field" key={KEYS[i]}>
                  <label htmlFor={`ab-variant-${KEYS[i]}`}>{t('campaigns.ab.variant', { key: KEYS[i]! })}</label>
                  {i === 0 ? (
                    <p className="muted small" id={`ab-variant-${KEYS[i]}`}>{t('campaigns.ab.control')}</p>
                  ) : (
                    <input
                      id={`ab-variant-${KEYS[i]}`}
                      value={v}
                      maxLength={dim === 'subject' ? 500 : 100}
                      onChange={(e) => setValues((all) => all.map((x, j) => (j === i ? e.target.value : x)))}
                    />
                  )}
                </div>
              ))}
              {values.length < KEYS.length && (
                <button type="button" className="button" onClick={() => setValues((all) => [...all, ''])}>
                  {t('campaigns.ab.addVariant')}
                </button>
              )}
            </>
          )}
          <div className="field">
            <label htmlFor="ab-share">{t('campaigns.ab.testShare')}</label>
            <input id="ab-share" type="number" min={1} max={100} value={testShare} onChange={(e) => setTestShare(e.target.value)} />
            <p className="muted small">{t('campaigns.ab.testShareHint')}</p>
          </div>
          <div className="field">
            <label htmlFor="ab-decide">{t('campaigns.ab.decideAfter')}</label>
            <input id="ab-decide" type="number" min={0.25} step={0.25} value={decideHours} onChange={(e) => setDecideHours(e.target.value)} />
            <p className="muted small">{t('campaigns.ab.decideAfterHint')}</p>
          </div>
          <div className="field">
            <label htmlFor="ab-metric">{t('campaigns.ab.metric')}</label>
            <select id="ab-metric" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              <Options items={(['clicks', 'opens', 'conversions', 'revenue'] as const)} label={(m) => t(`campaigns.ab.metric.${m}`)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="ab-confidence">{t('campaigns.ab.confidence')}</label>
            <select id="ab-confidence" value={confidence} onChange={(e) => setConfidence(e.target.value)}>
              {['0.9', '0.95', '0.99'].map((c) => (
                <option key={c} value={c}>
                  {Math.round(Number(c) * 100)}%
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ab-min">{t('campaigns.ab.minPerVariant')}</label>
            <input id="ab-min" type="number" min={1} value={minPerVariant} onChange={(e) => setMinPerVariant(e.target.value)} />
            <p className="muted small">{t('campaigns.ab.ruleHint')}</p>
          </div>
        </>
      )}
      {!(enabled && dim === 'sendTime') && (
        <label className="checkbox">
          <input id="send-usual-hour" type="checkbox" checked={usualHour} onChange={(e) => setUsualHour(e.target.checked)} />
          {t('campaigns.ab.sendUsualHour')}
        </label>
      )}
    </section>
  );
}
