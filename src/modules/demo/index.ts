/** The public face of demo: what other modules import (docs/architecture.md, rule "import"). */
export { DEMO_WORKSPACE, ensureDemoWorkspace, type DemoStartOptions } from './demo.ts';
export { generateDemo, type DemoSummary } from './generate.ts';
