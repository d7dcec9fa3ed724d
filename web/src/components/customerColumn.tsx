import type { ReactNode } from 'react';
import { Link } from '../router.tsx';
import type { Column } from './Table.tsx';

/** A column naming each row's customer by external id (ours when there is none), linking to the customer 360. */
export function customerColumn<T extends { customerId: string; externalId: string | null }>(header: ReactNode): Column<T> {
  return {
    header,
    cell: (row) => (
      <Link to={`/customers/${row.customerId}`} className="mono">
        {row.externalId ?? row.customerId}
      </Link>
    ),
  };
}
