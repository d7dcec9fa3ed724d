import type { Db } from '../db/database.ts';
import { WorkspaceService } from '../modules/workspaces/service.ts';

/**
 * The module services, built once per process over one database handle. Modules reach each other
 * only through what is here.
 */
export interface Services {
  db: Db;
  workspaces: WorkspaceService;
}

export function createServices(db: Db): Services {
  const workspaces = new WorkspaceService(db);
  return { db, workspaces };
}
