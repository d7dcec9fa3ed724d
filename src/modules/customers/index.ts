/** The public face of customers: what other modules import (docs/architecture.md, rule "import"). */
export { CustomerService, contactHash, type ConsentState, type ListCustomersQuery } from './service.ts';
export * from './types.ts';
