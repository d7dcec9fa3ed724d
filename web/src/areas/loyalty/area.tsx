import type { Area } from '../area.ts';
import { CustomerLoyalty } from './CustomerLoyalty.tsx';
import { LoyaltyPage } from './LoyaltyPage.tsx';

export const area: Area = {
  pages: [{ path: '/loyalty', render: () => <LoyaltyPage /> }],
  nav: [{ section: 'engage', order: 40, to: '/loyalty', label: 'loyalty.nav' }],
  customerPanels: [CustomerLoyalty],
};
