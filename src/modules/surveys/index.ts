/** The public face of surveys: what other modules import (docs/architecture.md, rule "import"). */
export { SurveyService, type SurveyBasics, type SurveyDeps, type SurveySettings } from './service.ts';
export * from './types.ts';
