/** The public face of ugc: what other modules import (docs/architecture.md, rule "import"). */
export { UgcService, type CampaignSummary, type EntryQuery, type UgcBasics, type UgcDeps } from './service.ts';
export * from './types.ts';
