import type { Area } from '../area.ts';
import { CampaignDetail } from './CampaignDetail.tsx';
import { CampaignForm } from './CampaignForm.tsx';
import { CampaignList } from './CampaignList.tsx';
import { CustomerMessages } from './CustomerMessages.tsx';

export const area: Area = {
  pages: [
    { path: '/campaigns', render: () => <CampaignList /> },
    // Before /campaigns/:id, which would otherwise read "new" as an id.
    { path: '/campaigns/new', render: () => <CampaignForm /> },
    { path: '/campaigns/:id', render: ({ id }) => <CampaignDetail id={id!} /> },
  ],
  nav: [{ section: 'engage', order: 10, to: '/campaigns', label: 'campaigns.nav' }],
  customerPanels: [CustomerMessages],
};
