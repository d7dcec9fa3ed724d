/** The public face of ingest: what other modules import (docs/architecture.md, rule "import"). */
export { IngestService, type IngestBatchOptions, type IngestResult } from './service.ts';
export type { IngestPlan } from './segmentMapper.ts';
