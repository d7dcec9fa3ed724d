/** The public face of accounts: what other modules import (docs/architecture.md, rule "import"). */
export { AccountService } from './service.ts';
export * from './types.ts';
