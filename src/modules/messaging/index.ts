/** The public face of messaging: what other modules import (docs/architecture.md, rule "import"). */
export { MessagingService, type PastDelivery } from './service.ts';
export * from './types.ts';
