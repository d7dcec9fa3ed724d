import type { Command } from 'commander';
import { instantFlag } from '../asOf.ts';
import type { BacktestReport } from '../../modules/intelligence/backtest.ts';
import { MODEL_TITLES } from '../../modules/intelligence/modelChoice.ts';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';
import { resolveWorkspace } from '../context.ts';

interface BacktestFlags extends DataDirOption {
  workspace?: string;
  holdoutDays: string;
  asOf?: string;
  json?: boolean;
}

export function register(program: Command): void {
  dataDirOption(
    program
      .command('backtest')
      .description('refit on the calibration period and compare predicted with actual purchases and revenue in the holdout')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--holdout-days <n>', 'length of the holdout period', '180')
      .option('--as-of <instant>', 'end of the holdout (default: now)')
      .option('--json', 'print the report as JSON'),
  ).action(async (flags: BacktestFlags) => {
    const holdoutDays = Number(flags.holdoutDays);
    const asOf = instantFlag('--as-of', flags.asOf);
    const report = await withServices(flags, async (services) => {
      const ws = await resolveWorkspace(services, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
      return services.intelligence.backtest(ws, { holdoutDays, asOf });
    });
    emit(flags.json, report, () => describe(report));
  });
}

function describe(r: BacktestReport): string {
  const p = r.purchases;
  const v = r.revenue;
  const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
  const last = r.tracking.actual.length - 1;
  const c = r.comparison;
  return [
    `Backtest: calibration to ${r.calibrationEnd}, holdout ${r.holdoutDays} days to ${r.observationEnd}, ${r.customers.toLocaleString('en')} customers`,
    ...c.models.map(
      (m) =>
        `  ${MODEL_TITLES[m.model].padEnd(8)} holdout purchases RMSE ${m.purchases.rmse.toFixed(4)}, MAE ${m.purchases.mae.toFixed(4)}, predicted ${m.purchases.predictedTotal.toFixed(0)}` +
        `${m.model === c.chosen ? `   ← chosen for scoring (smaller ${c.criterion.toUpperCase()})` : ''}${m.converged ? '' : ' (fit did not converge)'}`,
    ),
    `  ${MODEL_TITLES[c.chosen]}:`,
    `  purchases: predicted ${p.predictedTotal.toFixed(0)} vs actual ${p.actualTotal} (${pct(p.predictedTotal, p.actualTotal)}), MAE ${p.mae.toFixed(3)} per customer, correlation ${p.correlation.toFixed(3)}`,
    `  revenue:   predicted ${v.predictedTotal.toFixed(0)} vs actual ${v.actualTotal} (${pct(v.predictedTotal, v.actualTotal)}), MAE ${v.mae.toFixed(0)} per customer, correlation ${v.correlation.toFixed(3)}`,
    `  tracking:  cumulative repeat purchases at the end ${r.tracking.actual[last]} actual vs ${r.tracking.expected[last]} expected`,
  ].join('\n');
}
