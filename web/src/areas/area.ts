import type { ComponentType, ReactNode } from 'react';
import type { MessageKey } from '../i18n/index.tsx';
import type { Scope } from '../types.ts';

/** Where a page's link sits in the sidebar; `order` sorts within the section. */
export type NavSection = 'insights' | 'engage' | 'data' | 'settings';

export interface AreaNavItem {
  section: NavSection;
  order: number;
  to: string;
  label: MessageKey;
  /** Shown only to people whose role has it (pages still explain a refusal when opened directly). */
  scope?: Scope;
}

export interface PageRoute {
  path: string;
  render: (params: Record<string, string>) => ReactNode;
}

/**
 * A part of the web app owned by one domain (its pages, links and panels on the customer 360),
 * so adding a domain touches its own folder and one line in areas/index.ts.
 */
export interface Area {
  pages: PageRoute[];
  nav: AreaNavItem[];
  /** Sections a module adds to the customer 360, below the core profile and timeline. */
  customerPanels?: ComponentType<{ customerId: string }>[];
}
