import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { RecommendationList } from '../../modules/recommendations/index.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

/** `kizuna recs …`: build the item-to-item model, measure it offline, and look at its lists (docs/recommendations.md). */
export function register(program: Command): void {
  const recs = program.command('recs').description('product recommendations: rebuild the model, evaluate it offline, show lists');
  const common = (cmd: Command) =>
    dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));
  const workspace = (s: Parameters<typeof resolveWorkspace>[0], flags: Flags) => resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);

  common(recs.command('rebuild').description('retrain the model from all completed orders and product views (the worker also does this daily)')).action(
    async (flags: Flags) => {
      const info = await withServices(flags, async (s) => s.recommendations.rebuild(await workspace(s, flags)));
      emit(flags.json, info, () =>
        `model rebuilt in ${info.seconds} s from ${info.orders.toLocaleString('en')} orders of ${info.customers.toLocaleString('en')} customers: ` +
        `${info.products.toLocaleString('en')} products, ${info.pairs.toLocaleString('en')} co-occurring pairs`,
      );
    },
  );

  common(
    recs
      .command('evaluate')
      .description('train on past orders, predict the latest ones (a temporal hold-out) and compare hit-rate@K and recall@K with popularity')
      .option('--k <n>', 'list length', '10')
      .option('--test-fraction <f>', 'share of the latest completed orders held out', '0.2'),
  ).action(async (flags: Flags & { k: string; testFraction: string }) => {
    const k = Number(flags.k);
    const testFraction = Number(flags.testFraction);
    const issues = [
      ...(!Number.isInteger(k) || k < 1 || k > 100 ? [{ path: ['--k'], message: 'must be a whole number from 1 to 100' }] : []),
      ...(!(testFraction > 0 && testFraction < 1) ? [{ path: ['--test-fraction'], message: 'must be between 0 and 1' }] : []),
    ];
    if (issues.length > 0) throw new ValidationError('Invalid options', issues);
    const report = await withServices(flags, async (s) => s.recommendations.evaluate(await workspace(s, flags), { k, testFraction }));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    emit(flags.json, report, () =>
      [
        `trained on ${report.trainOrders.toLocaleString('en')} orders before ${report.cutoff}, tested on ${report.testOrders.toLocaleString('en')} after it`,
        `${report.customers.toLocaleString('en')} returning customers evaluated (${report.newCustomers.toLocaleString('en')} new ones get popular products either way)`,
        `                 hit-rate@${k}  recall@${k}`,
        `  model          ${pct(report.model.hitRate).padStart(11)}  ${pct(report.model.recall).padStart(9)}`,
        `  popularity     ${pct(report.baseline.hitRate).padStart(11)}  ${pct(report.baseline.recall).padStart(9)}`,
      ].join('\n'),
    );
  });

  common(recs.command('customer').description("a customer's personal list").argument('<id>', 'our id or the external id').option('--limit <n>', 'list length', '10')).action(
    async (id: string, flags: Flags & { limit: string }) => {
      const list = await withServices(flags, async (s) => s.recommendations.forCustomer(await workspace(s, flags), id, limitOf(flags.limit)));
      emit(flags.json, list, () => describe(list));
    },
  );

  common(
    recs
      .command('related')
      .description("a product's neighbours")
      .argument('<product>', 'SKU or our id')
      .option('--kind <kind>', 'related | bought_together', 'related')
      .option('--limit <n>', 'list length', '10'),
  ).action(async (product: string, flags: Flags & { kind: string; limit: string }) => {
    if (flags.kind !== 'related' && flags.kind !== 'bought_together') {
      throw new ValidationError('Invalid --kind', [{ path: ['--kind'], message: 'related or bought_together' }]);
    }
    const kind = flags.kind;
    const list = await withServices(flags, async (s) => s.recommendations.related(await workspace(s, flags), product, kind, limitOf(flags.limit)));
    emit(flags.json, list, () => describe(list));
  });
}

function limitOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new ValidationError('Invalid --limit', [{ path: ['--limit'], message: 'must be a whole number from 1 to 100' }]);
  return n;
}

function describe(list: RecommendationList): string {
  if (!list.builtAt) return 'no model yet: run `kizuna recs rebuild`';
  return list.data.map((r, i) => `${String(i + 1).padStart(3)}. ${r.product.sku}  ${r.product.name ?? ''}  (${r.source}, ${r.score})`).join('\n') || 'nothing to recommend';
}
