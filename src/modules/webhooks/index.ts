/** The public face of webhooks: what other modules import (docs/architecture.md, rule "import"). */
export { WebhookService, type DeliverOptions, type DeliverResult } from './service.ts';
export * from './types.ts';
