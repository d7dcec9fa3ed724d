/** The public face of recommendations: what other modules import (docs/architecture.md, rule "import"). */
export { RecommendationService, type RecommendationDeps, type RecommendationList, type RecommendedProduct } from './service.ts';
