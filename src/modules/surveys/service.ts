import type { Db } from '../../db/database.ts';

/** The surveys module's public face (being built). */
export class SurveyService {
  constructor(private readonly db: Db) {}
}
