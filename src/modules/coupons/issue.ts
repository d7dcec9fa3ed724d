import { ConflictError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { randomCodes } from './codes.ts';
import type { Campaign, IssuedCode } from './types.ts';

/** Codes per INSERT: one round trip moves ~50k codes, and the statement stays well under memory limits. */
const CHUNK = 50_000;

export type CodeSource = (count: number, length: number, prefix: string) => string[];

/** Rounds in a row that insert nothing before we conclude the code space is (nearly) used up. */
const MAX_BARREN_ROUNDS = 5;

function progress(): (inserted: number) => void {
  let barren = 0;
  return (inserted) => {
    barren = inserted > 0 ? 0 : barren + 1;
    if (barren >= MAX_BARREN_ROUNDS) throw new ConflictError('Could not draw unused codes: give the campaign a longer codeLength');
  };
}

/**
 * Inserts `count` codes nobody owns yet. Codes are random, so a clash with an existing code is
 * possible though very rare: ON CONFLICT DO NOTHING skips it and the shortfall is drawn again.
 * RETURNING tells which codes went in (a clash is invisible otherwise).
 */
export async function issueAnonymous(
  q: Queryable,
  workspaceId: string,
  campaign: Campaign,
  count: number,
  expiresAt: Date | null,
  source: CodeSource = randomCodes,
): Promise<IssuedCode[]> {
  const issued: IssuedCode[] = [];
  const made = progress();
  while (issued.length < count) {
    // Sorted, the inserts walk both code indexes from left to right instead of hitting random pages.
    const codes = source(count - issued.length, campaign.codeLength, campaign.codePrefix).sort();
    for (let i = 0; i < codes.length; i += CHUNK) {
      const { rows } = await q.query<{ code: string }>(
        `INSERT INTO coupon_codes (workspace_id, code, campaign_id, expires_at)
         SELECT $1, code, $2, $3 FROM unnest($4::text[]) AS code
         ON CONFLICT DO NOTHING RETURNING code`,
        [workspaceId, campaign.id, expiresAt, codes.slice(i, i + CHUNK)],
      );
      for (const r of rows) issued.push({ code: r.code, customerId: null, expiresAt });
      made(rows.length);
    }
  }
  return issued;
}

/**
 * One code to each customer (our ids) who has none in this campaign yet; the partial unique index
 * on (campaign, customer) makes that hold under concurrent assignments too. A customer skipped by
 * a code clash, not by already holding a code, gets a fresh draw. The customers' rows are held
 * FOR KEY SHARE until `q` commits, as a foreign key check would hold them.
 */
export async function issueToCustomers(
  q: Queryable,
  workspaceId: string,
  campaign: Campaign,
  customerIds: string[],
  expiresAt: Date | null,
  source: CodeSource = randomCodes,
): Promise<{ issued: IssuedCode[]; skipped: number }> {
  const issued: IssuedCode[] = [];
  let skipped = 0;
  const made = progress();
  // Sorted, so that concurrent assignments to overlapping customers take locks in one order.
  let pending = [...new Set(customerIds)].sort();
  const { rows: present } = await q.query<{ id: string }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR KEY SHARE',
    [workspaceId, pending],
  );
  if (present.length !== pending.length) throw new ConflictError('Some of the customers were deleted meanwhile; try again');
  while (pending.length > 0) {
    const chunk = pending.slice(0, CHUNK);
    const codes = source(chunk.length, campaign.codeLength, campaign.codePrefix);
    const { rows } = await q.query<{ code: string; customer_id: string }>(
      `INSERT INTO coupon_codes (workspace_id, code, campaign_id, customer_id, expires_at)
       SELECT $1, code, $2, customer_id, $3 FROM unnest($4::text[], $5::uuid[]) AS t(code, customer_id)
       ON CONFLICT DO NOTHING RETURNING code, customer_id`,
      [workspaceId, campaign.id, expiresAt, codes, chunk],
    );
    for (const r of rows) issued.push({ code: r.code, customerId: r.customer_id, expiresAt });
    const done = new Set(rows.map((r) => r.customer_id));
    const missed = chunk.filter((id) => !done.has(id));
    let retry: string[] = [];
    if (missed.length > 0) {
      const { rows: holders } = await q.query<{ customer_id: string }>(
        'SELECT customer_id FROM coupon_codes WHERE workspace_id = $1 AND campaign_id = $2 AND customer_id = ANY($3::uuid[])',
        [workspaceId, campaign.id, missed],
      );
      const holding = new Set(holders.map((r) => r.customer_id));
      skipped += holding.size;
      retry = missed.filter((id) => !holding.has(id));
    }
    made(chunk.length - retry.length);
    pending = [...retry, ...pending.slice(CHUNK)];
  }
  return { issued, skipped };
}
