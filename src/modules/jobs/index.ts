/** The public face of jobs: what other modules import (docs/architecture.md, rule "import"). */
export { JobService, type Job, type JobInput } from './service.ts';
