import type { Area } from '../area.ts';
import { Accounts } from './Accounts.tsx';
import { AtRisk } from './AtRisk.tsx';
import { Cohorts } from './Cohorts.tsx';
import { Overview } from './Overview.tsx';
import { Value } from './Value.tsx';

/** The analytics pages over what the intelligence module computes; the RFM grid and flows sit on the core Customers page. */
export const area: Area = {
  pages: [
    { path: '/overview', render: () => <Overview /> },
    { path: '/value', render: () => <Value /> },
    { path: '/cohorts', render: () => <Cohorts /> },
    { path: '/at-risk', render: () => <AtRisk /> },
    { path: '/accounts', render: () => <Accounts /> },
  ],
  nav: [
    { section: 'insights', order: 10, to: '/overview', label: 'insights.nav.overview' },
    { section: 'insights', order: 30, to: '/value', label: 'insights.nav.value' },
    { section: 'insights', order: 40, to: '/cohorts', label: 'insights.nav.cohorts' },
    { section: 'insights', order: 50, to: '/at-risk', label: 'insights.nav.atRisk' },
    { section: 'insights', order: 70, to: '/accounts', label: 'insights.nav.accounts' },
  ],
};
