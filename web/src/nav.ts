import { AREAS } from './areas/index.ts';
import type { AreaNavItem, NavSection } from './areas/area.ts';
import type { MessageKey } from './i18n/index.tsx';

export type NavItem = Pick<AreaNavItem, 'to' | 'label' | 'scope'>;

const CORE: AreaNavItem[] = [
  { section: 'insights', order: 20, to: '/customers', label: 'nav.customers' },
  { section: 'data', order: 10, to: '/import', label: 'nav.import', scope: 'ingest' },
  { section: 'settings', order: 90, to: '/settings/api-keys', label: 'nav.apiKeys', scope: 'admin' },
];

const SECTIONS: { section: NavSection; label?: MessageKey }[] = [
  { section: 'insights' },
  { section: 'engage', label: 'nav.engage' },
  { section: 'data', label: 'nav.data' },
  { section: 'settings', label: 'nav.settings' },
];

/**
 * The navigation: the core pages and each area's, by section and order. A page appears once the
 * data it shows exists; none shows numbers that were not computed.
 */
export const NAV: { label?: MessageKey; items: NavItem[] }[] = SECTIONS.map(({ section, label }) => ({
  label,
  items: [...CORE, ...AREAS.flatMap((a) => a.nav)].filter((i) => i.section === section).sort((a, b) => a.order - b.order),
})).filter((s) => s.items.length > 0);

/** Where `/` leads: the Overview once the insights area has one (order 10), else Customers. */
export const HOME = NAV[0]!.items[0]!.to;
