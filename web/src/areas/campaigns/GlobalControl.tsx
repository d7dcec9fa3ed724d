import { useMemo } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { LiftChart } from './LiftChart.tsx';
import type { GlobalControlReport } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

const MONTHS = 12;

/** Everyone targeted against the workspace-wide global control group, month by month. */
export function GlobalControl() {
  const { t } = useI18n();
  const range = useMemo(() => {
    const to = new Date();
    const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - (MONTHS - 1), 1));
    return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  }, []);
  const control = useApi<GlobalControlReport>(`/v1/messaging/global-control?${range}`);
  const points = (v: number) => `${(v * 100).toFixed(1)}pt`;
  const items = useMemo(() => control.data?.data.map((m) => ({ label: m.month, interval: m.lift.conversionRate.absolute })) ?? [], [control.data]);
  return (
    <section className="card" aria-labelledby="global-control-title">
      <h2 id="global-control-title">{t('campaigns.global.title')}</h2>
      <p className="muted small">{t('campaigns.global.intro')}</p>
      <Loaded state={control} inline isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{t('campaigns.global.empty')}</p>}>
        {() => <LiftChart items={items} label={t('campaigns.global.chart')} show={points} />}
      </Loaded>
    </section>
  );
}
