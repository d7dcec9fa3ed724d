import { randomBytes } from 'node:crypto';
import { csvExportBuffer, type ExportOptions } from '../../kernel/exportRows.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import { isUuid, toWinner, type WinnerRow } from './rows.ts';
import type { UgcBasics } from './service.ts';
import type { Winner } from './types.ts';

const column = (en: string, ja: string) => ({ header: { en, ja } });
const WINNER_COLUMNS = [
  column('Entry ID', '応募ID'), column('Customer ID', '顧客ID'), column('External ID', '外部ID'), column('Email', 'メールアドレス'), column('Name', '氏名'),
  column('Method', '選出方法'), column('Seed', 'シード'), column('Picked at', '選出日時'),
];

/** Winners: drawn reproducibly from approved entries (a seed anyone can re-run), added or removed by hand, exported. */
export class UgcWinners {
  constructor(
    private readonly db: Db,
    private readonly ugc: UgcBasics,
  ) {}

  /**
   * Draws `count` winners among approved entries, one per customer, excluding earlier winners.
   * The draw orders entries by md5(seed || entry id): the same seed over the same entries gives the
   * same winners, so a draw can be audited; without a seed a random one is made and returned.
   */
  async pickWinners(workspaceId: string, campaignId: string, input: { count: number; seed?: string }, by: string): Promise<{ seed: string; winners: Winner[] }> {
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000) throw new ValidationError('Invalid count', [{ path: ['count'], message: 'a whole number from 1 to 10000' }]);
    const seed = input.seed?.trim() || randomBytes(8).toString('hex');
    const campaign = await this.ugc.getCampaign(workspaceId, campaignId);
    const picked = await this.db.tx(async (tx) => {
      // One draw at a time per campaign: two draws must not both pick the same customer.
      await tx.query('SELECT 1 FROM ugc_campaigns WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, campaign.id]);
      const { rows } = await tx.query<{ entry_id: string }>(
        `INSERT INTO ugc_winners (workspace_id, campaign_id, entry_id, customer_id, method, seed, picked_by)
         SELECT $1, $2, id, customer_id, 'random', $3, $5 FROM (
           SELECT DISTINCT ON (e.customer_id) e.id, e.customer_id, md5($3 || e.id::text) AS draw FROM ugc_entries e
           WHERE e.workspace_id = $1 AND e.campaign_id = $2 AND e.status = 'approved'
             AND NOT EXISTS (SELECT 1 FROM ugc_winners w WHERE w.workspace_id = $1 AND w.campaign_id = $2 AND w.customer_id = e.customer_id)
           ORDER BY e.customer_id, draw
         ) candidates ORDER BY draw LIMIT $4
         RETURNING entry_id`,
        [workspaceId, campaign.id, seed, input.count, by],
      );
      return new Set(rows.map((r) => r.entry_id));
    });
    return { seed, winners: (await this.winners(workspaceId, campaign.id)).filter((w) => picked.has(w.entryId)) };
  }

  /** Marks an approved entry a winner by hand (a jury's pick). */
  async addWinner(workspaceId: string, campaignId: string, entryId: string, by: string): Promise<Winner> {
    const entry = await this.ugc.getEntry(workspaceId, entryId);
    if (entry.campaignId !== campaignId) throw new NotFoundError(`UGC entry ${entryId} not found in campaign ${campaignId}`);
    if (entry.status !== 'approved') throw new ConflictError('Only an approved entry can win');
    await this.db.query(
      `INSERT INTO ugc_winners (workspace_id, campaign_id, entry_id, customer_id, method, picked_by) VALUES ($1, $2, $3, $4, 'manual', $5)
       ON CONFLICT DO NOTHING`,
      [workspaceId, campaignId, entry.id, entry.customerId, by],
    );
    return (await this.winners(workspaceId, campaignId)).find((w) => w.entryId === entry.id)!;
  }

  async removeWinner(workspaceId: string, campaignId: string, entryId: string): Promise<void> {
    const { rowCount } = isUuid(entryId)
      ? await this.db.query('DELETE FROM ugc_winners WHERE workspace_id = $1 AND campaign_id = $2 AND entry_id = $3', [workspaceId, campaignId, entryId])
      : { rowCount: 0 };
    if (rowCount !== 1) throw new NotFoundError(`entry ${entryId} is not a winner of campaign ${campaignId}`);
  }

  async winners(workspaceId: string, campaignId: string): Promise<Winner[]> {
    const campaign = await this.ugc.getCampaign(workspaceId, campaignId);
    const { rows } = await this.db.query<WinnerRow>(
      `SELECT w.*, c.email AS customer_email, c.external_id AS customer_external_id, nullif(concat_ws(' ', c.family_name, c.given_name), '') AS customer_name
       FROM ugc_winners w JOIN customers c ON c.workspace_id = w.workspace_id AND c.id = w.customer_id
       WHERE w.workspace_id = $1 AND w.campaign_id = $2 ORDER BY w.picked_at, w.entry_id`,
      [workspaceId, campaign.id],
    );
    return rows.map(toWinner);
  }

  async winnersCsv(workspaceId: string, campaignId: string, options: ExportOptions): Promise<Buffer> {
    const winners = await this.winners(workspaceId, campaignId);
    const rows = winners.map((w) => [w.entryId, w.customerId, w.customerExternalId, w.customerEmail, w.customerName, w.method, w.seed, w.pickedAt]);
    return csvExportBuffer(WINNER_COLUMNS, rows, options);
  }
}
