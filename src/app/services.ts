import type { Db } from '../db/database.ts';
import { AccountService } from '../modules/accounts/service.ts';
import { CatalogService } from '../modules/catalog/service.ts';
import { CustomerService } from '../modules/customers/service.ts';
import { EventService } from '../modules/events/service.ts';
import { IngestService } from '../modules/ingest/service.ts';
import { OrderService } from '../modules/orders/service.ts';
import { WorkspaceService } from '../modules/workspaces/service.ts';

/**
 * The module services, built once per process over one database handle. Modules reach each other
 * only through what is here.
 */
export interface Services {
  db: Db;
  workspaces: WorkspaceService;
  accounts: AccountService;
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  events: EventService;
  ingest: IngestService;
}

export function createServices(db: Db): Services {
  const workspaces = new WorkspaceService(db);
  const accounts = new AccountService(db);
  const customers = new CustomerService(db, accounts);
  const catalog = new CatalogService(db);
  const orders = new OrderService(db, customers, catalog);
  const events = new EventService(db, customers);
  const ingest = new IngestService(db, { workspaces, customers, accounts, catalog, orders, events });
  return { db, workspaces, accounts, customers, catalog, orders, events, ingest };
}
