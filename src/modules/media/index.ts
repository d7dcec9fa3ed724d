/** The public face of media: what other modules import (docs/architecture.md, rule "import"). */
export { MediaService, type StoredImage } from './service.ts';
