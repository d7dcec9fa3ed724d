import type { Area } from '../area.ts';
import { Channels } from './Channels.tsx';
import { KpiTargets } from './KpiTargets.tsx';
import { LoyaltyProgram } from './LoyaltyProgram.tsx';
import { Users } from './Users.tsx';

/** Workspace settings, for admins: the links are hidden from other roles and the pages refuse them. */
export const area: Area = {
  pages: [
    { path: '/settings/channels', render: () => <Channels /> },
    { path: '/settings/users', render: () => <Users /> },
    { path: '/settings/loyalty', render: () => <LoyaltyProgram /> },
    { path: '/settings/kpi-targets', render: () => <KpiTargets /> },
  ],
  nav: [
    { section: 'settings', order: 10, to: '/settings/channels', label: 'settings.nav.channels', scope: 'admin' },
    { section: 'settings', order: 20, to: '/settings/users', label: 'settings.nav.users', scope: 'admin' },
    { section: 'settings', order: 30, to: '/settings/loyalty', label: 'settings.nav.loyalty', scope: 'admin' },
    { section: 'settings', order: 40, to: '/settings/kpi-targets', label: 'settings.nav.kpiTargets', scope: 'admin' },
  ],
};
