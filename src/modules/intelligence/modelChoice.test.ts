import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseModel, type ModelComparison } from './modelChoice.ts';

const params = { r: 1, alpha: 1, a: 1, b: 1 };
const candidate = (model: ModelComparison['model'], rmse: number, converged = true): ModelComparison => ({
  model,
  converged,
  params,
  purchases: { customers: 10, actualTotal: 5, predictedTotal: 5, mae: rmse / 2, rmse, correlation: 0.5 },
});

test('the converged model with the smaller holdout RMSE is chosen; BG/NBD on a tie or without a usable fit', () => {
  assert.equal(chooseModel([candidate('bgnbd', 0.9), candidate('mbgnbd', 0.8)]), 'mbgnbd');
  assert.equal(chooseModel([candidate('bgnbd', 0.8), candidate('mbgnbd', 0.9)]), 'bgnbd');
  assert.equal(chooseModel([candidate('bgnbd', 0.8), candidate('mbgnbd', 0.8)]), 'bgnbd');
  assert.equal(chooseModel([candidate('bgnbd', 0.9), candidate('mbgnbd', 0.1, false)]), 'bgnbd');
  assert.equal(chooseModel([candidate('mbgnbd', NaN)]), 'bgnbd');
  assert.equal(chooseModel([]), 'bgnbd');
});
