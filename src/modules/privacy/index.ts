/** The public face of privacy: what other modules import (docs/architecture.md, rule "import"). */
export { PrivacyService, type PrivacyModules } from './service.ts';
