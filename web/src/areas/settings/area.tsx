import type { Area } from '../area.ts';
import { LoyaltySettingsForm } from '../loyalty/LoyaltySettingsForm.tsx';
import { SettingsPage } from './AdminOnly.tsx';
import { Channels } from './Channels.tsx';
import { KpiTargets } from './KpiTargets.tsx';
import { Users } from './Users.tsx';

/** Workspace settings, for admins: the links are hidden from other roles and the pages refuse them. */
export const area: Area = {
  pages: [
    { path: '/settings/channels', render: () => <SettingsPage page="channels"><Channels /></SettingsPage> },
    { path: '/settings/users', render: () => <SettingsPage page="users"><Users /></SettingsPage> },
    // The loyalty area's settings form (earning rules, expiry, tiers, referrals) among the workspace settings.
    { path: '/settings/loyalty', render: () => <SettingsPage page="loyalty"><LoyaltySettingsForm /></SettingsPage> },
    { path: '/settings/kpi-targets', render: () => <SettingsPage page="kpi"><KpiTargets /></SettingsPage> },
  ],
  nav: [
    { section: 'settings', order: 10, to: '/settings/channels', label: 'settings.nav.channels', scope: 'admin' },
    { section: 'settings', order: 20, to: '/settings/users', label: 'settings.nav.users', scope: 'admin' },
    { section: 'settings', order: 30, to: '/settings/loyalty', label: 'settings.nav.loyalty', scope: 'admin' },
    { section: 'settings', order: 40, to: '/settings/kpi-targets', label: 'settings.nav.kpiTargets', scope: 'admin' },
  ],
};
