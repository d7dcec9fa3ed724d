import type { DemoServices } from './demoServices.ts';
import { KPI_DEFINITIONS, type KpiKey } from '../intelligence/kpiDefinitions.ts';
import { overviewDefaultQuery } from '../intelligence/kpiSnapshots.ts';
import type { KpiTargetInput } from '../intelligence/index.ts';

/** The KPIs the Overview leads with: the ones a retention team is measured on. */
export const DEMO_TARGET_KPIS: readonly KpiKey[] = [
  'revenue',
  'average_order_value',
  'active_customers',
  'new_customers',
  'retention_rate',
  'churn_rate',
  'f2_conversion',
  'repeat_purchase_rate',
];

/** Targets ask this much better than the months before (5 %): some months meet them, some do not. */
const STRETCH = 0.05;
const TRAILING_MONTHS = 3;

/**
 * Monthly targets for the main KPIs over the Overview's year and the next two months, set as a
 * team would: the mean of the three months before, stretched by 5 % in the good direction. The
 * values come from the workspace's own data, so attainment on the Overview is real arithmetic.
 */
export async function seedDemoKpiTargets(services: DemoServices, workspaceId: string, end: Date): Promise<number> {
  if ((await services.intelligence.kpiTargets(workspaceId)).length > 0) return 0;
  const { timeZone } = await services.workspaces.get(workspaceId);
  const year = overviewDefaultQuery(timeZone, new Date(end.getTime() - 1));
  const from = shiftMonths(year.from, -TRAILING_MONTHS);
  const report = await services.intelligence.kpis(workspaceId, { from, to: year.to, granularity: 'month' }, { fresh: true });
  const periods = report.periods;
  const starts = [...periods.map((p) => p.start), shiftMonths(periods.at(-1)!.start, 1), shiftMonths(periods.at(-1)!.start, 2)];
  const targets: KpiTargetInput[] = [];
  for (const def of KPI_DEFINITIONS.filter((d) => DEMO_TARGET_KPIS.includes(d.key))) {
    for (const [i, periodStart] of starts.entries()) {
      if (i < TRAILING_MONTHS) continue;
      // The running month is partial: the months before it are the basis of it and of what follows.
      const basis = periods.slice(Math.max(0, Math.min(i, periods.length - 1) - TRAILING_MONTHS), Math.min(i, periods.length - 1));
      const values = basis.map((p) => p.kpis[def.key].value).filter((v): v is number => v !== null);
      if (values.length === 0) continue;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const target = mean * (def.higherIsBetter ? 1 + STRETCH : 1 - STRETCH);
      targets.push({ kpi: def.key, granularity: 'month', periodStart, target: def.unit === 'ratio' ? Math.round(target * 1000) / 1000 : Math.round(target) });
    }
  }
  return services.intelligence.setKpiTargets(workspaceId, targets);
}

/** YYYY-MM-01 moved by `months`. */
function shiftMonths(yyyyMm01: string, months: number): string {
  const [y, m] = yyyyMm01.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}
