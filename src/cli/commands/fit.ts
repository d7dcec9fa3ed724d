import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import { emit } from '../output.ts';
import { loadClvInput } from '../../analytics/io/clvInput.ts';
import type { ClvInputOptions } from '../../analytics/io/clvInput.ts';
import { compressPatterns } from '../../analytics/models/patterns.ts';
import { fitSbg, survivorsProblem } from '../../analytics/models/sbg.ts';
import { fitJson, fitSpendModel, fitText, fitTransactionModel, inputOptions } from '../clv.ts';
import type { TransactionModel } from '../clv.ts';
import { phaseDone } from '../phaseTimes.ts';

const MODELS = ['bgnbd', 'mbgnbd', 'paretonbd', 'gammagamma', 'sbg'];

type FitOpts = ClvInputOptions & { survivors?: string; json?: boolean };

/** `kizuna fit MODEL …`: maximum-likelihood fit, printed as JSON with --json (see docs/models.md). */
export function register(program: Command): void {
  inputOptions(
    program
      .command('fit')
      .description(
        'fit a CLV model by maximum likelihood: bgnbd | mbgnbd | paretonbd | gammagamma (from a summary or transactions) | sbg (from survivor counts)',
      )
      .argument('<model>', MODELS.join(' | ')),
  )
    .option('--survivors <counts>', 'sbg: comma-separated survivors per period, the first being the cohort size')
    .option('--json', 'print one JSON object')
    .action(async (model: string, opts: FitOpts) => {
      if (!MODELS.includes(model)) {
        throw new ValidationError(`unknown model "${model}"`, [{ path: ['model'], message: `choose one of ${MODELS.join(', ')}` }]);
      }
      phaseDone('start-up, modules, options');
      if (model === 'sbg') {
        const survivors = parseSurvivors(opts.survivors);
        const fit = fitSbg(survivors);
        emit(opts.json, fitJson('sbg', fit, { periods: survivors.length - 1 }), () => fitText('sbg', fit, 'cohort members'));
        return;
      }
      const input = await loadClvInput(opts, model === 'gammagamma');
      phaseDone('read and scan input');
      if (model === 'gammagamma') {
        const fit = fitSpendModel(input);
        phaseDone(`fit (${fit.evaluations} evaluations)`);
        emit(opts.json, fitJson(model, fit, { excludedNonRepeat: input.frequency.length - fit.customers, source: input.source }), () =>
          fitText(model, fit, 'repeat customers'),
        );
        return;
      }
      const patterns = compressPatterns(input);
      phaseDone('patterns');
      const fit = fitTransactionModel(model as TransactionModel, patterns);
      phaseDone(`fit (${fit.evaluations} evaluations)`);
      emit(opts.json, fitJson(model, fit, { unit: input.unit, source: input.source }), () => fitText(model, fit));
    });
}

function parseSurvivors(text: string | undefined): number[] {
  if (!text) throw new ValidationError('sbg needs --survivors "1000,631,468,…"', [{ path: ['--survivors'], message: 'missing' }]);
  const parts = text.split(',').map((s) => s.trim());
  const issues = parts
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !/^\d+(\.\d+)?$/.test(p))
    .map(({ p, i }) => ({ path: ['--survivors', i], message: `count ${i + 1} is not a number >= 0: "${p}"` }));
  if (issues.length > 0) throw new ValidationError('invalid --survivors', issues);
  const counts = parts.map(Number);
  const problem = survivorsProblem(counts);
  if (problem) throw new ValidationError('invalid --survivors', [{ path: ['--survivors'], message: problem }]);
  return counts;
}
