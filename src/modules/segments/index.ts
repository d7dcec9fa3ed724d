/** The public face of segments: what other modules import (docs/architecture.md, rule "import"). */
export { SegmentService, SEGMENT_ENTERED, SEGMENT_EXITED } from './service.ts';
export * from './types.ts';
