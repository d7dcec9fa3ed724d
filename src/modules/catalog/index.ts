/** The public face of catalog: what other modules import (docs/architecture.md, rule "import"). */
export { CatalogService, type ListProductsQuery } from './service.ts';
export * from './types.ts';
