/** The public face of journeys: what other modules import (docs/architecture.md, rule "import"). */
export { JourneyService } from './service.ts';
export * from './types.ts';
