import { NotFoundError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import { resolveKeys, upsertByKey, type UpsertResult } from '../../db/upsert.ts';
import type { Account, AccountInput, Subscription, SubscriptionInput } from './types.ts';

const ACCOUNTS = {
  table: 'accounts',
  keyColumn: 'external_id',
  keyField: 'externalId',
  touch: 'updated_at = now()',
  fields: [
    { key: 'name', column: 'name', type: 'text' as const },
    { key: 'domain', column: 'domain', type: 'text' as const },
    { key: 'attributes', column: 'attributes', type: 'jsonb' as const, merge: true, insertDefault: `'{}'::jsonb` },
  ],
};

const toAccount = camelRow<Account>()('id external_id name domain attributes created_at updated_at');
const toSubscription = camelRow<Subscription>()('id external_id account_id plan seats mrr_minor currency status started_at renews_at canceled_at');

/** B2B accounts (companies) and their subscriptions. */
export class AccountService {
  constructor(private readonly db: Queryable) {}

  upsertAccounts(workspaceId: string, inputs: AccountInput[], q: Queryable = this.db): Promise<UpsertResult> {
    return upsertByKey(q, ACCOUNTS, workspaceId, inputs);
  }

  resolveIds(workspaceId: string, externalIds: string[], q: Queryable = this.db): Promise<Map<string, string>> {
    return resolveKeys(q, 'accounts', 'external_id', workspaceId, externalIds);
  }

  /** Subscriptions are replaced whole by external id (plan changes, renewals, cancellation). */
  async upsertSubscriptions(workspaceId: string, inputs: SubscriptionInput[], q: Queryable = this.db): Promise<{ created: number; updated: number }> {
    if (inputs.length === 0) return { created: 0, updated: 0 };
    const accountIds = await this.resolveIds(workspaceId, inputs.map((i) => i.accountExternalId), q);
    const latest = new Map(inputs.map((i) => [i.externalId, i]));
    const rows = [...latest.values()].map((i) => ({
      id: newId(),
      account_id: accountIds.get(i.accountExternalId),
      external_id: i.externalId,
      plan: i.plan,
      seats: i.seats,
      mrr_minor: i.mrrMinor,
      currency: i.currency,
      status: i.status,
      started_at: i.startedAt,
      renews_at: i.renewsAt ?? null,
      canceled_at: i.canceledAt ?? null,
    }));
    const { rows: result } = await q.query<{ inserted: boolean }>(
      `INSERT INTO subscriptions AS s (workspace_id, account_id, id, external_id, plan, seats, mrr_minor, currency, status, started_at, renews_at, canceled_at)
       SELECT $1, x.account_id, x.id, x.external_id, x.plan, x.seats, x.mrr_minor, x.currency, x.status, x.started_at, x.renews_at, x.canceled_at
       FROM jsonb_to_recordset($2::jsonb) AS x(account_id uuid, id uuid, external_id text, plan text, seats int, mrr_minor bigint,
            currency text, status text, started_at timestamptz, renews_at timestamptz, canceled_at timestamptz)
       ON CONFLICT (workspace_id, external_id) DO UPDATE SET plan = EXCLUDED.plan, seats = EXCLUDED.seats,
         mrr_minor = EXCLUDED.mrr_minor, currency = EXCLUDED.currency, status = EXCLUDED.status, started_at = EXCLUDED.started_at,
         renews_at = EXCLUDED.renews_at, canceled_at = EXCLUDED.canceled_at, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [workspaceId, JSON.stringify(rows)],
    );
    const created = result.filter((r) => r.inserted).length;
    return { created, updated: result.length - created };
  }

  async get(workspaceId: string, id: string, q: Queryable = this.db): Promise<Account> {
    const { rows } = await q.query<RowOf<typeof toAccount>>('SELECT * FROM accounts WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    const r = rows[0];
    if (!r) throw new NotFoundError(`account ${id} not found`);
    return toAccount(r);
  }

  async subscriptionsOf(workspaceId: string, accountId: string, q: Queryable = this.db): Promise<Subscription[]> {
    const { rows } = await q.query<RowOf<typeof toSubscription>>('SELECT * FROM subscriptions WHERE workspace_id = $1 AND account_id = $2 ORDER BY started_at, id', [
      workspaceId,
      accountId,
    ]);
    return rows.map(toSubscription);
  }
}
