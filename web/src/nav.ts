import type { MessageKey } from './i18n/index.tsx';
import type { Scope } from './types.ts';

export interface NavItem {
  to: string;
  label: MessageKey;
  /** Shown only to people whose role has it (pages still explain a refusal when opened directly). */
  scope?: Scope;
}

/**
 * The navigation. A page appears once the data it shows exists: the analytics pages (Overview,
 * Value, Cohorts, At risk, Segments, Accounts) join the first section as their modules land; none
 * shows numbers that were not computed.
 */
export const NAV: { label?: MessageKey; items: NavItem[] }[] = [
  { items: [{ to: '/customers', label: 'nav.customers' }] },
  { label: 'nav.data', items: [{ to: '/import', label: 'nav.import', scope: 'ingest' }] },
  { label: 'nav.settings', items: [{ to: '/settings/api-keys', label: 'nav.apiKeys', scope: 'admin' }] },
];

/** Where `/` leads (the Overview, once it exists). */
export const HOME = '/customers';

/** admin implies every other scope, as on the server. */
export const hasScope = (scopes: Scope[], scope: Scope | undefined): boolean => !scope || scopes.includes(scope) || scopes.includes('admin');
