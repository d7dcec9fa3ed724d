import type { Area } from '../area.ts';
import { CampaignDetail } from './CampaignDetail.tsx';
import { NewCampaign } from './CampaignForm.tsx';
import { CampaignList } from './CampaignList.tsx';
import { CustomerEntries } from './CustomerEntries.tsx';

export const area: Area = {
  pages: [
    { path: '/ugc', render: () => <CampaignList /> },
    { path: '/ugc/new', render: () => <NewCampaign /> },
    { path: '/ugc/:id', render: ({ id }) => <CampaignDetail id={id!} /> },
  ],
  nav: [{ section: 'engage', order: 70, to: '/ugc', label: 'ugc.nav' }],
  customerPanels: [CustomerEntries],
};
