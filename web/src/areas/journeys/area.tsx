import type { Area } from '../area.ts';
import { CustomerJourneys } from './CustomerJourneys.tsx';
import { JourneyEditorPage } from './Editor.tsx';
import { JourneysPage } from './List.tsx';

/** Journeys: automated flows, their editor on a canvas, and each customer's runs on the customer 360. */
export const area: Area = {
  pages: [
    { path: '/journeys', render: () => <JourneysPage /> },
    { path: '/journeys/:id', render: (params) => <JourneyEditorPage id={params.id!} /> },
  ],
  nav: [{ section: 'engage', order: 20, to: '/journeys', label: 'journeys.nav' }],
  customerPanels: [CustomerJourneys],
};
