import type { Area } from '../area.ts';
import { Outbox } from './Outbox.tsx';

export const area: Area = {
  pages: [{ path: '/outbox', render: () => <Outbox /> }],
  nav: [{ section: 'engage', order: 15, to: '/outbox', label: 'outbox.nav' }],
};
