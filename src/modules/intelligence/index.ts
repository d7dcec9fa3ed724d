/** The public face of intelligence: what other modules import (docs/architecture.md, rule "import"). */
export { IntelligenceService, type KpiTargetInput, type ModelsReport } from './service.ts';
