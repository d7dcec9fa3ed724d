import type { Queryable } from './database.ts';

/**
 * Where every table goes on Citus (docs/scale-out.md). Read by the catalogue test
 * (distribution.test.ts), which fails on a table missing here or breaking its placement's rules,
 * and by `distributeOnCitus`, which places the tables when the `citus` extension is installed.
 *
 * - `distributed`: sharded by `workspace_id`, all in one co-location group, so every join and
 *   foreign key inside a workspace stays on one node. Primary keys, unique constraints and
 *   foreign keys must contain `workspace_id`.
 * - `reference`: copied to every node; small, read on every request before a workspace is known
 *   (API keys, sign-in). They may not reference a distributed table.
 * - `local`: stays on the coordinator (bookkeeping no query joins).
 */
export type Placement =
  | { kind: 'distributed' }
  | { kind: 'reference'; why: string }
  | { kind: 'local'; why: string };

export const DISTRIBUTION_COLUMN = 'workspace_id';

const distributed: Placement = { kind: 'distributed' };

export const TABLE_PLACEMENT: Record<string, Placement> = {
  // Reference: looked up before the workspace is known.
  workspaces: { kind: 'reference', why: 'the tenants; every distributed table references it' },
  api_keys: { kind: 'reference', why: 'a request names its key (by hash) before its workspace is known' },
  users: { kind: 'reference', why: 'sign-in finds a person by email across workspaces' },
  sessions: { kind: 'reference', why: 'the session cookie is looked up by token hash' },
  user_invitations: { kind: 'reference', why: 'an invitation link is looked up by token hash' },
  sign_in_throttle: { kind: 'reference', why: 'sign-in attempts are counted per email and address, before any workspace' },
  survey_public_keys: { kind: 'reference', why: 'an anonymous survey link (/s/p/<key>) names only its key: whose survey it opens' },
  ugc_public_campaigns: { kind: 'reference', why: 'the public entry page (/enter/<id>) names only the campaign id: whose campaign it is' },
  // Local: the migration log of the coordinator.
  kizuna_migrations: { kind: 'local', why: 'which migrations ran; read only by `migrate`' },

  // Distributed by workspace_id.
  accounts: distributed,
  campaigns: distributed,
  consents: distributed,
  coupon_campaigns: distributed,
  coupon_codes: distributed,
  coupon_customer_usage: distributed,
  coupon_redemptions: distributed,
  customer_aliases: distributed,
  customer_score_history: distributed,
  customer_scores: distributed,
  customers: distributed,
  deliveries: distributed,
  delivery_log: distributed,
  events: distributed,
  idempotency_keys: distributed,
  intelligence_settings: distributed,
  jobs: distributed,
  journey_cursors: distributed,
  journey_runs: distributed,
  journey_step_log: distributed,
  journey_versions: distributed,
  journeys: distributed,
  kpi_customer_days: distributed,
  kpi_day_totals: distributed,
  kpi_order_changes: distributed,
  kpi_period_stats: distributed,
  kpi_rollup_state: distributed,
  kpi_snapshots: distributed,
  kpi_targets: distributed,
  loyalty_members: distributed,
  loyalty_referrals: distributed,
  loyalty_reward_claims: distributed,
  loyalty_rewards: distributed,
  loyalty_settings: distributed,
  loyalty_surprise_rules: distributed,
  loyalty_tier_changes: distributed,
  messaging_dkim_keys: distributed,
  messaging_feedback_events: distributed,
  messaging_seed_addresses: distributed,
  messaging_settings: distributed,
  model_backtests: distributed,
  model_runs: distributed,
  order_lines: distributed,
  orders: distributed,
  outbox_messages: distributed,
  points_balances: distributed,
  points_ledger: distributed,
  points_lots: distributed,
  product_popularity: distributed,
  product_similarities: distributed,
  products: distributed,
  recommendation_models: distributed,
  refunds: distributed,
  seed_copies: distributed,
  segment_members: distributed,
  segment_membership_history: distributed,
  segment_versions: distributed,
  segments: distributed,
  subscriptions: distributed,
  suppressions: distributed,
  survey_case_notes: distributed,
  survey_cases: distributed,
  survey_responses: distributed,
  survey_settings: distributed,
  surveys: distributed,
  ugc_campaigns: distributed,
  ugc_entries: distributed,
  ugc_media: distributed,
  media_images: distributed,
  ugc_winners: distributed,
  webhook_deliveries: distributed,
  webhooks: distributed,
};

/** A table and the tables its foreign keys point to, as the catalogue says. */
export interface TableRefs {
  table: string;
  references: string[];
}

export interface CitusPlan {
  statements: string[];
  /** Why the plan cannot be applied yet (unclassified tables). */
  blockers: string[];
}

/**
 * The Citus calls for `tables` (those not placed yet): reference tables first, then distributed
 * ones co-located with the first, each after the tables it references (Citus needs a foreign key's
 * target placed before the table that holds it).
 */
export function citusPlan(tables: TableRefs[], placement: Record<string, Placement> = TABLE_PLACEMENT): CitusPlan {
  const blockers: string[] = [];
  for (const t of tables) if (!placement[t.table]) blockers.push(`${t.table}: not classified in src/db/distribution.ts`);
  const byName = new Map(tables.map((t) => [t.table, t]));
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (seen.has(name) || !byName.has(name)) return;
    if (path.includes(name)) return; // a cycle (self-reference): its order does not matter
    for (const r of byName.get(name)!.references) if (r !== name) visit(r, [...path, name]);
    seen.add(name);
    ordered.push(name);
  };
  const kindOf = (name: string) => placement[name]?.kind;
  for (const kind of ['reference', 'distributed'] as const) {
    for (const t of [...tables].sort((a, b) => a.table.localeCompare(b.table))) if (kindOf(t.table) === kind) visit(t.table, []);
  }
  const statements: string[] = [];
  let colocateWith: string | undefined;
  for (const name of ordered) {
    const p = placement[name];
    if (p?.kind === 'reference') statements.push(`SELECT create_reference_table('${name}')`);
    else if (p?.kind === 'distributed') {
      statements.push(`SELECT create_distributed_table('${name}', '${DISTRIBUTION_COLUMN}', colocate_with => '${colocateWith ?? 'none'}')`);
      colocateWith ??= name;
    }
  }
  return { statements, blockers };
}

/** Tables of the public schema and what their foreign keys reference. */
export async function readTableRefs(db: Queryable): Promise<TableRefs[]> {
  const { rows } = await db.query<{ table: string; references: string[] }>(
    `SELECT c.relname AS table,
       coalesce(array(SELECT DISTINCT r.relname::text FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid
                      WHERE f.conrelid = c.oid AND f.contype = 'f' ORDER BY 1), '{}') AS references
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  return rows;
}

/**
 * When the `citus` extension is installed, places every table not placed yet (a new migration's
 * tables too). Refuses, before changing anything, while a table is unclassified. Never run here:
 * there is no Citus in this environment (docs/scale-out.md).
 */
export async function distributeOnCitus(db: Queryable): Promise<string[]> {
  const citus = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`);
  if (citus.rows.length === 0) return [];
  const placed = new Set(
    (await db.query<{ name: string }>(`SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition`)).rows.map((r) => r.name),
  );
  const pending = (await readTableRefs(db)).filter((t) => !placed.has(t.table) && TABLE_PLACEMENT[t.table]?.kind !== 'local');
  if (pending.length === 0) return [];
  const plan = citusPlan(pending);
  if (plan.blockers.length > 0) throw new Error(`Citus: cannot place the tables yet:\n- ${plan.blockers.join('\n- ')}`);
  // Placed tables keep their co-location group: new distributed tables join it.
  const anchor = (await db.query<{ name: string }>(`SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition WHERE partmethod = 'h' ORDER BY 1 LIMIT 1`)).rows[0]?.name;
  const statements = anchor ? plan.statements.map((s) => s.replace(`colocate_with => 'none'`, `colocate_with => '${anchor}'`)) : plan.statements;
  for (const s of statements) await db.query(s);
  return statements;
}
