/** The public face of ingest: what other modules import (docs/architecture.md, rule "import"). */
export { IngestService, type IngestResult } from './service.ts';
