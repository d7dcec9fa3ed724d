/** The public face of orders: what other modules import (docs/architecture.md, rule "import"). */
export { OrderService, type ListOrdersQuery } from './service.ts';
export * from './types.ts';
