import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { Granularity, KpiDefinition, KpiReport } from '../insights/types.ts';
import { Field } from './fields.tsx';

const GRANULARITIES: Granularity[] = ['month', 'quarter', 'week', 'day'];

interface Target {
  kpi: string;
  granularity: Granularity;
  periodStart: string;
  target: number;
}

const firstOfMonth = (d = new Date()) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;

export function KpiTargets() {
  const targets = useApi<{ data: Target[] }>('/v1/kpi-targets');
  // The catalogue (keys, units, labels) comes with any KPI report; one month from the stored snapshot is cheap.
  const month = firstOfMonth();
  const report = useApi<KpiReport>(`/v1/kpis?granularity=month&from=${month}&to=${month}`);
  const error = targets.error ?? report.error;
  if (error !== undefined) return <ErrorNotice error={error} onRetry={() => (targets.reload(), report.reload())} />;
  if (!targets.data || !report.data) return <Loading />;
  return (
    <>
      <TargetForm definitions={report.data.definitions} onSaved={targets.reload} />
      <TargetTable targets={targets.data.data} definitions={report.data.definitions} currency={report.data.currency} />
    </>
  );
}

/** A KPI's name in the interface language where the insights pages have one, else the API's English label. */
function useKpiLabel() {
  const { lookup } = useI18n();
  return (d: KpiDefinition | undefined, key: string) => lookup(`insights.kpi.${key}`) ?? d?.label ?? key;
}

function TargetForm({ definitions, onSaved }: { definitions: KpiDefinition[]; onSaved: () => void }) {
  const { t } = useI18n();
  const label = useKpiLabel();
  const [kpi, setKpi] = useState(definitions[0]?.key ?? '');
  const [granularity, setGranularity] = useState<Granularity>('month');
  const [periodStart, setPeriodStart] = useState(firstOfMonth());
  const [value, setValue] = useState('');
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const ratio = definitions.find((d) => d.key === kpi)?.unit === 'ratio';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    return run(async () => {
      // Ratios are typed as percentages and stored as fractions, as the Overview shows them.
      const target = value.trim() === '' ? null : Number(value) / (ratio ? 100 : 1);
      await api('/v1/kpi-targets', { method: 'PUT', body: { targets: [{ kpi, granularity, periodStart, target }] } });
      setSaved(true);
      onSaved();
    });
  };

  return (
    <section className="card" aria-labelledby="kpi-add-title">
      <h2 id="kpi-add-title">{t('settings.kpi.add')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {saved && (
        <p className="notice notice-success" role="status">
          {t('settings.saved')}
        </p>
      )}
      <form className="form form-inline" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="kpi-key">{t('settings.kpi.kpi')}</label>
          <select id="kpi-key" value={kpi} onChange={(e) => setKpi(e.target.value)}>
            <Options items={definitions} value={(d) => d.key} label={(d) => label(d, d.key)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="kpi-granularity">{t('settings.kpi.granularity')}</label>
          <select id="kpi-granularity" value={granularity} onChange={(e) => setGranularity(e.target.value as Granularity)}>
            <Options items={GRANULARITIES} label={(g) => t(`settings.kpi.granularity.${g}`)} />
          </select>
        </div>
        <Field id="kpi-period" path="targets.0.periodStart" error={error} label={t('settings.kpi.periodStart')} type="date" required value={periodStart} onChange={(e) => setPeriodStart(e.target.value)} />
        <Field
          id="kpi-target"
          path="targets.0.target"
          error={error}
          label={t(ratio ? 'settings.kpi.targetPercent' : 'settings.kpi.target')}
          type="number"
          step="any"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('settings.kpi.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function TargetTable({ targets, definitions, currency }: { targets: Target[]; definitions: KpiDefinition[]; currency: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const label = useKpiLabel();
  if (targets.length === 0) return <p className="muted">{t('settings.kpi.empty')}</p>;
  const show = (d: KpiDefinition | undefined, v: number) =>
    d?.unit === 'ratio' ? `${format.number(Math.round(v * 1000) / 10)}%` : d?.unit === 'minor units' ? format.money(v, currency) : format.number(v);
  return (
    <Table
      caption={t('settings.kpi.caption')}
      captionHidden
      rows={targets.map((x) => ({ ...x, definition: definitions.find((def) => def.key === x.kpi) }))}
      rowKey={(x) => `${x.kpi}-${x.granularity}-${x.periodStart}`}
      columns={[
        { header: t('settings.kpi.col.kpi'), cell: (x) => label(x.definition, x.kpi) },
        { header: t('settings.kpi.col.granularity'), cell: (x) => t(`settings.kpi.granularity.${x.granularity}`) },
        { header: t('settings.kpi.col.periodStart'), className: 'nowrap', cell: (x) => format.day(x.periodStart) },
        { header: t('settings.kpi.col.target'), numeric: true, cell: (x) => show(x.definition, x.target) },
      ]}
    />
  );
}
