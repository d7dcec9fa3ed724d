export { bfgs } from './bfgs.ts';
export type { BfgsOptions } from './bfgs.ts';
export { nelderMead } from './nelderMead.ts';
export type { NelderMeadOptions } from './nelderMead.ts';
export { numericalGradient, withNumericalGradient } from './gradient.ts';
export { numericalHessian, invertSpd } from './hessian.ts';
export type { Objective, ObjectiveWithGradient, OptimizeResult } from './types.ts';
