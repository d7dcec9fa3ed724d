/** The public face of coupons: what other modules import (docs/architecture.md, rule "import"). */
export { CouponService, type CouponDeps, type IssueResult } from './service.ts';
export * from './types.ts';
