import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testApp } from '../app/testApp.ts';
import { newId } from '../db/ids.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { settingsFor } from '../modules/messaging/testKit.ts';
import { hashEmail } from '../modules/segments/audience.ts';
import { campaignBody, multipart, PNG } from '../modules/ugc/testKit.ts';

/**
 * Privacy against the database catalogue: every table with a customer reference (a customer_id,
 * referrer_id or referee_id column, or a foreign key to customers) must be classified here, column
 * by column, as personal (gone or emptied by an erasure) or kept (facts under the anonymous id).
 * A new table or column fails this test until someone decides, so a future module cannot forget.
 * The export must hold every row of each table; after an erasure no table anywhere holds the
 * person's data (a marker written into every personal field is searched in every row).
 */
type Export = Record<string, unknown>;
interface Classification {
  personal: string[];
  kept: string[];
  /** How many of the person's rows of this table the export shows. */
  exported: (e: Export) => number;
}

const list = (key: string) => (e: Export) => (e[key] as unknown[]).length;
const one = (key: string) => (e: Export) => (e[key] ? 1 : 0);
const ids = ['workspace_id', 'customer_id', 'id'];

const TABLES: Record<string, Classification> = {
  customers: {
    personal: ['external_id', 'email', 'phone', 'line_user_id', 'family_name', 'given_name', 'family_name_kana', 'given_name_kana', 'birthday', 'postal_code', 'prefecture', 'city', 'address_line1', 'address_line2', 'attributes', 'search_text'],
    kept: ['workspace_id', 'id', 'country', 'locale', 'time_zone', 'account_id', 'erased_at', 'created_at', 'updated_at'],
    exported: one('customer'),
  },
  customer_aliases: { personal: ['alias'], kept: ['workspace_id', 'customer_id', 'created_at'], exported: list('aliases') },
  consents: { personal: ['source'], kept: [...ids, 'channel', 'status', 'recorded_at', 'created_at'], exported: list('consents') },
  orders: {
    personal: ['attributes'],
    kept: [...ids, 'external_id', 'status', 'currency', 'subtotal_minor', 'discount_minor', 'tax_minor', 'shipping_minor', 'total_minor', 'refunded_minor', 'coupon_code', 'ordered_at', 'created_at', 'updated_at'],
    exported: list('orders'),
  },
  order_lines: {
    personal: [],
    kept: ['workspace_id', 'customer_id', 'order_id', 'line_no', 'product_id', 'sku', 'name', 'category', 'quantity', 'unit_price_minor', 'total_minor'],
    exported: (e) => (e.orders as { lines: unknown[] }[]).reduce((n, o) => n + o.lines.length, 0),
  },
  refunds: { personal: ['reason'], kept: [...ids, 'order_id', 'external_id', 'amount_minor', 'refunded_at', 'created_at'], exported: list('refunds') },
  events: { personal: ['properties', 'context'], kept: [...ids, 'message_id', 'name', 'occurred_at', 'received_at'], exported: list('events') },
  customer_scores: {
    personal: [],
    kept: [
      'workspace_id', 'customer_id', 'computed_at', 'run_id', 'first_order_at', 'last_order_at', 'orders_count', 'revenue_minor', 'recency_days', 'frequency', 'recency', 't', 'monetary_minor', 'r_score', 'f_score', 'm_score',
      'rfm_segment', 'p_alive', 'expected_purchases_90d', 'expected_purchases_365d', 'expected_aov_minor', 'clv_12m_minor', 'next_purchase_at', 'churn_risk', 'stage', 'stage_since', 'snapshot_at',
    ],
    exported: list('scores'),
  },
  customer_score_history: {
    personal: [],
    kept: ['workspace_id', 'customer_id', 'run_id', 'computed_at', 'orders_count', 'revenue_minor', 'r_score', 'f_score', 'm_score', 'rfm_segment', 'p_alive', 'expected_purchases_365d', 'clv_12m_minor', 'churn_risk', 'stage'],
    exported: list('scoreHistory'),
  },
  kpi_customer_days: {
    personal: [],
    kept: ['workspace_id', 'customer_id', 'day', 'orders', 'net_minor', 'first_at', 'first_day', 'prev_day', 'next_day', 'next_first_at'],
    exported: list('purchaseDays'),
  },
  segment_members: { personal: ['segment_id'], kept: ['workspace_id', 'customer_id', 'entered_at', 'seq'], exported: list('segmentMemberships') },
  segment_membership_history: { personal: [], kept: ['workspace_id', 'segment_id', 'customer_id', 'seq', 'change', 'at', 'segment_version'], exported: list('segmentHistory') },
  coupon_codes: { personal: [], kept: ['workspace_id', 'code', 'campaign_id', 'customer_id', 'issued_at', 'expires_at', 'redeemed_at'], exported: list('coupons') },
  coupon_redemptions: {
    personal: [],
    kept: [...ids, 'idempotency_key', 'campaign_id', 'code', 'order_external_id', 'order_total_minor', 'discount_minor', 'currency', 'redeemed_at'],
    exported: list('couponRedemptions'),
  },
  coupon_customer_usage: { personal: [], kept: ['workspace_id', 'campaign_id', 'customer_id', 'redemptions'], exported: list('couponUsage') },
  loyalty_members: { personal: ['referral_code'], kept: ['workspace_id', 'customer_id', 'tier', 'tier_since', 'tier_review_at', 'created_at', 'updated_at'], exported: one('loyaltyMember') },
  points_balances: { personal: [], kept: ['workspace_id', 'customer_id', 'balance', 'pending', 'updated_at'], exported: one('pointsBalance') },
  points_ledger: {
    personal: ['reason'],
    kept: [...ids, 'kind', 'points', 'pending', 'lot_id', 'source_type', 'source_id', 'available_at', 'expires_at', 'created_at'],
    exported: list('pointsLedger'),
  },
  points_lots: { personal: [], kept: [...ids, 'points', 'remaining', 'status', 'source_type', 'source_id', 'available_at', 'expires_at', 'created_at'], exported: list('pointsLots') },
  loyalty_tier_changes: { personal: [], kept: [...ids, 'from_tier', 'to_tier', 'reason', 'qualifying', 'changed_at'], exported: list('tierChanges') },
  loyalty_reward_claims: { personal: [], kept: [...ids, 'reward_id', 'points', 'idempotency_key', 'status', 'coupon_code', 'created_at'], exported: list('rewardClaims') },
  loyalty_referrals: {
    personal: ['reject_reason'],
    kept: ['workspace_id', 'id', 'referrer_id', 'referee_id', 'status', 'first_order_id', 'created_at', 'completed_at'],
    exported: list('referrals'),
  },
  deliveries: {
    personal: ['vars', 'provider_id'],
    kept: [...ids, 'campaign_id', 'step', 'channel', 'class', 'arm', 'state', 'reason', 'attempts', 'due_at', 'lease_until', 'created_at', 'sent_at', 'opened_at', 'human_opened_at', 'machine_opened_at', 'clicked_at', 'variant', 'ab_group'],
    exported: list('messages'),
  },
  delivery_log: { personal: [], kept: ['workspace_id', 'delivery_id', 'customer_id', 'seq', 'at', 'kind', 'reason'], exported: list('messageLog') },
  outbox_messages: {
    personal: ['recipient', 'subject', 'html', 'text', 'headers', 'content'],
    kept: ['workspace_id', 'id', 'key', 'campaign_id', 'customer_id', 'channel', 'class', 'created_at'],
    exported: list('outbox'),
  },
  messaging_feedback_events: {
    personal: ['recipient_hash', 'diagnostic'],
    kept: [...ids, 'event_key', 'source', 'kind', 'delivery_id', 'campaign_id', 'status', 'outcome', 'occurred_at', 'received_at'],
    exported: list('bounceReports'),
  },
  journey_runs: {
    personal: ['vars'],
    kept: [...ids, 'journey_id', 'version', 'arm', 'state', 'step_id', 'visits', 'parked_at', 'due_at', 'timeout_at', 'wait_event', 'source_key', 'entered_at', 'converted_at', 'exited_at', 'exit_reason'],
    exported: list('journeyRuns'),
  },
  journey_step_log: {
    personal: ['detail'],
    kept: ['workspace_id', 'run_id', 'step_id', 'visit', 'customer_id', 'journey_id', 'version', 'step_type', 'outcome', 'path', 'late_ms', 'at'],
    exported: list('journeySteps'),
  },
  survey_responses: {
    personal: ['comment', 'answers', 'ip_hash'],
    kept: [...ids, 'survey_id', 'link_nonce', 'kind', 'score', 'category', 'locale', 'source', 'answered_at'],
    exported: list('surveyResponses'),
  },
  survey_cases: {
    personal: [],
    kept: [...ids, 'response_id', 'survey_id', 'status', 'assignee_id', 'due_at', 'created_at', 'updated_at', 'closed_at'],
    exported: list('surveyCases'),
  },
  ugc_media: { personal: ['bytes', 'sha256'], kept: [...ids, 'content_type', 'size', 'public', 'created_at'], exported: list('ugcPhotos') },
  ugc_entries: {
    personal: ['post_url', 'caption', 'media_id', 'ip_hash', 'reject_reason'],
    kept: [
      ...ids, 'campaign_id', 'kind', 'platform', 'survey_response_id', 'consent_text', 'consent_locale', 'consented_at', 'identified_by', 'status', 'moderated_at', 'moderated_by',
      'reward_status', 'reward_ref', 'reward_error', 'rewarded_at', 'created_at',
    ],
    exported: list('ugcEntries'),
  },
  ugc_winners: { personal: [], kept: ['workspace_id', 'campaign_id', 'entry_id', 'customer_id', 'method', 'seed', 'picked_by', 'picked_at'], exported: list('ugcWins') },
};

/** What an emptied personal value looks like; `erased` is the placeholder where a CHECK demands a value. */
const EMPTIED = new Set(['null', '""', '{}', '[]', '"erased"']);
const REFERENCE = /^(customer_id|referrer_id|referee_id|.+_customer_id)$/;

describeEachDatabase('privacy against the catalogue', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  const secret = `hanako${Math.random().toString(36).slice(2, 8)}`;
  const other = `taro${Math.random().toString(36).slice(2, 8)}`;
  let hanako = '';
  before(async () => {
    ctx = await testApp(t.db);
    hanako = await seedEverything(ctx, secret, other);
  });
  after(async () => ctx?.app.close());

  /** Tables and their customer-reference columns, from the catalogue (columns by name, and foreign keys to customers); views such as paying_orders only show what these hold. */
  const referencing = async (): Promise<Map<string, string[]>> => {
    const { rows } = await t.db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name ~ $1
       UNION
       SELECT c.conrelid::regclass::text, a.attname::text FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
       WHERE c.contype = 'f' AND c.confrelid = 'customers'::regclass AND a.attname <> 'workspace_id'`,
      [REFERENCE.source],
    );
    const tables = new Map<string, string[]>([['customers', ['id']]]);
    for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
    return tables;
  };
  const columnsOf = async (table: string) =>
    (await t.db.query<{ column_name: string }>('SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table])).rows.map((r) => r.column_name);
  const rowsOf = async (table: string, refs: string[], id: string) =>
    (await t.db.query(`SELECT to_jsonb(x) AS row FROM ${table} x WHERE workspace_id = $1 AND (${refs.map((c) => `${c} = $2`).join(' OR ')})`, [ctx.workspace.id, id])).rows.map(
      (r) => r.row as Record<string, unknown>,
    );

  test('every table with a customer reference is classified, every column of it', async () => {
    const tables = await referencing();
    assert.deepEqual([...tables.keys()].filter((table) => !TABLES[table]).sort(), [], 'tables with a customer reference that no one classified (add them to TABLES)');
    for (const table of tables.keys()) {
      const { personal, kept } = TABLES[table]!;
      assert.deepEqual([...personal, ...kept].sort(), (await columnsOf(table)).sort(), `${table}: each column is personal or kept, once`);
    }
  });

  test('the export holds every row of every such table, and the seed filled every one of them', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/customers/${hanako}/export`, headers: await ctx.headers('read') });
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    const exported = res.json() as Export;
    for (const [table, refs] of await referencing()) {
      const held = (await rowsOf(table, refs, hanako)).length;
      assert.ok(held > 0, `the seed wrote no ${table} row for the person: the checks below would prove nothing`);
      assert.equal(TABLES[table]!.exported(exported), held, `${table}: rows in the export`);
    }
    assert.ok(JSON.stringify(exported.webhookDeliveries).includes(secret), 'what webhooks were told is exported');
    assert.ok(JSON.stringify(exported.surveyCaseNotes).includes(secret), 'notes on their cases are exported');
  });

  test('after erasure no table holds the person’s data; the other customer keeps theirs', async () => {
    const before = await markedTables(other);
    const erased = await ctx.app.inject({ method: 'DELETE', url: `/v1/customers/${hanako}`, headers: await ctx.headers('admin') });
    assert.equal(erased.statusCode, 204, erased.body);

    for (const [table, refs] of await referencing()) {
      for (const row of await rowsOf(table, refs, hanako)) {
        for (const column of TABLES[table]!.personal) {
          assert.ok(EMPTIED.has(JSON.stringify(row[column] ?? null)), `${table}.${column} still holds ${JSON.stringify(row[column]).slice(0, 80)}`);
        }
      }
    }
    // Everywhere, classified or not (webhook payloads, stored idempotent responses, case notes, …):
    // the marker in their name, email, texts, and the email's hash as audiences and webhooks carry it.
    assert.deepEqual(await markedTables(secret), [], 'tables still holding the person’s marker');
    const emailHash = hashEmail(`${secret}@example.jp`)!;
    assert.deepEqual((await markedTables(emailHash)).filter((table) => table !== 'suppressions'), [], 'tables still holding the hash of their email (only the suppression list may)');
    assert.deepEqual(await markedTables(other), before, 'the other customer’s data is untouched');

    const again = await ctx.app.inject({ method: 'DELETE', url: `/v1/customers/${hanako}`, headers: await ctx.headers('admin') });
    assert.equal(again.statusCode, 204, 'erasing twice is harmless');
  });

  /** Tables (of the whole schema) with a row whose text contains `marker`. */
  const markedTables = async (marker: string): Promise<string[]> => {
    const { rows } = await t.db.query<{ table_name: string }>(`SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`);
    const found: string[] = [];
    for (const { table_name: table } of rows) {
      const hit = await t.db.query(`SELECT 1 FROM ${table} x WHERE strpos(x::text, $1) > 0 LIMIT 1`, [marker]);
      if (hit.rowCount) found.push(table);
    }
    return found;
  };
});

/**
 * Gives the person (`secret` in every personal field) a row in every table above, through the API
 * where one exists and by SQL where rows come from background runs (scores, sends, journey steps);
 * `other` gets a profile, an order and an event. Returns the person's id.
 */
async function seedEverything(ctx: Awaited<ReturnType<typeof testApp>>, secret: string, other: string): Promise<string> {
  const { app, services, workspace } = ctx;
  const ws = workspace.id;
  const admin = await ctx.headers('admin');
  const call = async (method: 'POST' | 'PUT', url: string, payload: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method, url, payload: payload as object, headers: { ...admin, ...headers } });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json();
  };
  const sql = (text: string, values: unknown[] = []) => services.db.query(text, [ws, ...values]);
  await services.messaging.putSettings(ws, settingsFor(undefined));

  const created = await call(
    'POST',
    '/v1/customers',
    {
      customers: [
        {
          externalId: `shop-${secret}`, email: `${secret}@example.jp`, phone: '+819011112222', lineUserId: `U${secret}`, familyName: `山田${secret}`, givenName: secret,
          familyNameKana: 'ヤマダ', givenNameKana: 'ハナコ', birthday: '1990-04-01', postalCode: '1500001', prefecture: '東京都', city: `渋谷区${secret}`, addressLine1: secret, addressLine2: secret, attributes: { note: secret },
        },
      ],
    },
    { 'idempotency-key': `import-${secret}` },
  );
  const id = created.ids[`shop-${secret}`] as string;
  const otherId = (await call('POST', '/v1/customers', { externalId: `shop-${other}`, email: `${other}@example.jp`, prefecture: '東京都', attributes: { note: other } }, { 'idempotency-key': `import-${other}` })).ids[`shop-${other}`] as string;
  const me = `shop-${secret}`;
  await call('POST', '/v1/identify', { userId: me, anonymousId: `anon-${secret}`, traits: {} });
  await call('POST', `/v1/customers/${me}/consents`, { consents: [{ channel: 'email', status: 'opted_in', source: `form ${secret}`, recordedAt: '2026-01-01T00:00:00Z' }] });
  for (const [who, order] of [[me, 'o-1'], [`shop-${other}`, 'o-2']] as const) {
    await call('POST', '/v1/orders', { externalId: order, customerExternalId: who, currency: 'JPY', orderedAt: '2026-01-10T00:00:00Z', lines: [{ sku: 'TEE', name: 'Tシャツ', unitPriceMinor: 1500, quantity: 2 }], attributes: { gift_message: who } });
  }
  await call('POST', '/v1/orders/o-1/refunds', { externalId: 'r-1', amountMinor: 100, reason: `damaged, says ${secret}`, refundedAt: '2026-01-11T00:00:00Z' });
  for (const who of [me, `shop-${other}`]) await call('POST', '/v1/track', { userId: who, event: 'Viewed', properties: { note: who }, context: { ip: '203.0.113.1', userAgent: who } });

  // Segments, and the webhook that is told about changes (inserted: its URL is not the point here).
  await sql(`INSERT INTO webhooks (workspace_id, id, url, secret, events) VALUES ($1, $2, 'https://hooks.example.com/in', 's', ARRAY['segment.membership_changed', 'journey.step'])`, [newId()]);
  const segment = await call('POST', '/v1/segments', { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } });
  await services.segments.refresh(ws, segment.id);
  await sql(`INSERT INTO customer_scores (workspace_id, customer_id, computed_at, run_id, orders_count, revenue_minor, frequency, recency, t, monetary_minor, stage, stage_since, snapshot_at)
             VALUES ($1, $2, now(), $3, 1, 3000, 0, 0, 10, 3000, 'new', now(), now())`, [id, newId()]);
  await sql(`INSERT INTO customer_score_history (workspace_id, customer_id, run_id, computed_at, orders_count, revenue_minor, stage) VALUES ($1, $2, $3, now(), 1, 3000, 'new')`, [id, newId()]);
  // KPIs read the rollups, which hold the person's purchase days.
  await services.intelligence.kpis(ws, { from: '2025-01-01', to: '2026-12-31', granularity: 'quarter' });

  // Coupons: a code issued to the person, and redeemed.
  const coupon = await call('POST', '/v1/coupon-campaigns', { name: '500円引き', kind: 'amount', value: 500, perCustomerLimit: 2 });
  const issued = await call('POST', `/v1/coupon-campaigns/${coupon.id}/codes`, { customers: [me] });
  await call('POST', '/v1/coupons/redeem', { code: issued.codes[0].code, customerExternalId: me, orderExternalId: 'o-1', orderTotalMinor: 3000, idempotencyKey: 'redeem-1' });

  // Loyalty: points with a reason, a claimed reward, a tier change, a rejected referral from the other customer.
  await call('POST', `/v1/loyalty/customers/${me}/adjustments`, { points: 500, reason: `apology to ${secret}`, idempotencyKey: 'adj-1' });
  const reward = await call('POST', '/v1/loyalty/rewards', { name: 'Mug', kind: 'gift', costPoints: 100 });
  await call('POST', `/v1/loyalty/customers/${me}/redemptions`, { rewardId: reward.id, idempotencyKey: 'claim-1' });
  await sql(`INSERT INTO loyalty_tier_changes (workspace_id, customer_id, id, from_tier, to_tier, reason, qualifying, changed_at) VALUES ($1, $2, $3, NULL, 'silver', 'upgrade', 500, now())`, [id, newId()]);
  await sql(`INSERT INTO loyalty_referrals (workspace_id, id, referrer_id, referee_id, status, reject_reason) VALUES ($1, $2, $3, $4, 'rejected', $5)`, [newId(), otherId, id, `same card as ${secret}`]);

  // Messages: one sent (opened), one still queued, as a campaign run leaves them.
  const campaignId = newId();
  await sql(`INSERT INTO campaigns (workspace_id, id, name, channel, class, segment_id, template, status) VALUES ($1, $2, 'News', 'email', 'marketing', $3, '{}', 'sending')`, [campaignId, segment.id]);
  for (const [step, state] of [['main', 'sent'], ['reminder', 'queued']] as const) {
    const delivery = newId();
    await sql(`INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, due_at, vars, provider_id, sent_at, opened_at)
               VALUES ($1, $2, $3, $4, $5, 'email', 'marketing', 'treatment', $6, now(), $7, $8, now(), now())`, [delivery, campaignId, step, id, state, { name: secret }, `<${secret}@smtp>`]);
    await sql(`INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind) VALUES ($1, $2, $3, 'queued')`, [delivery, id]);
  }
  // What the outbox channel stored of the sent one instead of handing it to a provider.
  await sql(`INSERT INTO outbox_messages (workspace_id, id, key, campaign_id, customer_id, channel, class, recipient, subject, html, text, headers, content)
             VALUES ($1, $2, $3, $4, $5, 'email', 'marketing', $6, 'News', $7, $8, $9, $10)`,
    [newId(), newId(), campaignId, id, `${secret}@example.jp`, `<p>${secret}</p>`, secret, { to: `${secret}@example.jp` }, { name: secret }]);

  // A bounce report about the sent one (the diagnostic quotes the address, as MTAs do).
  await sql(`INSERT INTO messaging_feedback_events (workspace_id, id, event_key, source, kind, campaign_id, customer_id, recipient_hash, status, diagnostic, outcome, occurred_at)
             VALUES ($1, $2, 'k1', 'dsn', 'soft_bounce', $3, $4, $5, '4.2.2', $6, 'retry', now())`, [newId(), campaignId, id, `hash-${secret}`, `452 4.2.2 <${secret}@example.jp> mailbox full`]);

  // A journey run still waiting, with a step that called a webhook about the person.
  const journeyId = newId();
  const runId = newId();
  await sql(`INSERT INTO journeys (workspace_id, id, name, status) VALUES ($1, $2, 'Welcome', 'active')`, [journeyId]);
  await sql(`INSERT INTO journey_versions (workspace_id, journey_id, version, definition) VALUES ($1, $2, 1, '{}')`, [journeyId]);
  await sql(`INSERT INTO journey_runs (workspace_id, id, journey_id, version, customer_id, arm, state, source_key, entered_at, vars) VALUES ($1, $2, $3, 1, $4, 'treatment', 'waiting', 'k', now(), $5)`, [runId, journeyId, id, { coupon: secret }]);
  await sql(`INSERT INTO journey_step_log (workspace_id, run_id, step_id, visit, customer_id, journey_id, version, step_type, outcome, detail) VALUES ($1, $2, 'hello', 1, $3, $4, 1, 'send', 'done', $5)`, [runId, id, journeyId, { to: `${secret}@example.jp` }]);
  await services.webhooks.enqueueTo(ws, 'journey.step', [{ webhookId: (await services.webhooks.list(ws))[0]!.id, payload: { customerId: id, runId } }]);

  // A detractor answer with a comment, its case and a note on it.
  await call('POST', '/v1/surveys', { slug: 'nps', kind: 'nps', title: { ja: 'NPS' } });
  const [link] = await services.surveys.mintLinks(ws, 'nps', [me]);
  await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: 2, reason: `slow delivery, ${secret}` }, 'ja');
  const cases = (await services.surveys.listCases(ws, { customerId: id, status: 'all' })).data;
  await call('POST', `/v1/feedback/cases/${cases[0]!.id}/notes`, { body: `called ${secret} back` });

  // UGC: a photo entry that won, and a URL entry that was rejected with a reason.
  const ugc = await call('POST', '/v1/ugc/campaigns', campaignBody());
  const linkRes = await call('POST', `/v1/ugc/campaigns/${ugc.id}/links`, { customer: me });
  const token = new URL(linkRes.url as string).searchParams.get('t')!;
  const enter = async (fields: Record<string, string>, withPhoto: boolean) => {
    const { payload, headers } = multipart({ t: token, consent: 'yes', ...fields }, withPhoto ? { name: 'a.png', type: 'image/png', bytes: PNG } : undefined);
    const res = await app.inject({ method: 'POST', url: `/v1/public/ugc/campaigns/${ugc.id}/entries`, payload, headers });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    return res.json().id as string;
  };
  const photoEntry = await enter({ caption: `at the beach, ${secret}` }, true);
  const urlEntry = await enter({ postUrl: `https://www.instagram.com/p/${secret}` }, false);
  await sql(`UPDATE ugc_entries SET status = 'rejected', reject_reason = $2 WHERE workspace_id = $1 AND id = $3`, [`shows ${secret}'s face`, urlEntry]);
  await sql(`INSERT INTO ugc_winners (workspace_id, campaign_id, entry_id, customer_id, method) VALUES ($1, $2, $3, $4, 'manual')`, [ugc.id, photoEntry, id]);
  return id;
}
