/** The public face of loyalty: what other modules import (docs/architecture.md, rule "import"). */
export { LoyaltyService, type LoyaltyAccount, type LoyaltyDeps, type ProcessSummary, type SyncSummary } from './service.ts';
