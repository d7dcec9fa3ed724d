import type { Db } from '../../db/database.ts';

/** The journeys module's public face (being built). */
export class JourneyService {
  constructor(private readonly db: Db) {}
}
