import type { Db } from '../../db/database.ts';

/** The ugc module's public face (being built). */
export class UgcService {
  constructor(private readonly db: Db) {}
}
