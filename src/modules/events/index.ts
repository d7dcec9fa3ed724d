/** The public face of events: what other modules import (docs/architecture.md, rule "import"). */
export { EventService } from './service.ts';
export * from './types.ts';
