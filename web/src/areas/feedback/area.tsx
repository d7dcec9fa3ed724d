import type { Area } from '../area.ts';
import { CustomerFeedback } from './CustomerFeedback.tsx';
import { FeedbackPage } from './FeedbackPage.tsx';

export const area: Area = {
  pages: [{ path: '/feedback', render: () => <FeedbackPage /> }],
  nav: [{ section: 'engage', order: 60, to: '/feedback', label: 'feedback.nav' }],
  customerPanels: [CustomerFeedback],
};
