import { AREAS } from './areas/index.ts';
import type { PageRoute } from './areas/area.ts';
import { ApiKeys } from './pages/ApiKeys.tsx';
import { Customer360 } from './pages/Customer360.tsx';
import { Customers } from './pages/Customers.tsx';
import { Import } from './pages/Import.tsx';

/** Every page behind sign-in, by path (nav.ts says which appear in the navigation). */
export const PAGES: PageRoute[] = [
  { path: '/customers', render: () => <Customers /> },
  { path: '/customers/:id', render: ({ id }) => <Customer360 id={id!} /> },
  { path: '/import', render: () => <Import /> },
  { path: '/settings/api-keys', render: () => <ApiKeys /> },
  ...AREAS.flatMap((area) => area.pages),
];
