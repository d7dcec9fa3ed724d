/**
 * A campaign's launch: every current member of its segment gets a delivery row, its arm and A/B
 * group drawn, its due time set (a fixed time, the usual hour, or the A/B decision for the rest),
 * coupon codes attached, and the seed list its copies. Apart from the service because it is the one
 * write that turns a segment into deliveries, reached two ways: `send` from the API, and the worker
 * for scheduled launches and launches cut short (`launchDue`).
 */
import { ConflictError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CouponService } from '../coupons/index.ts';
import type { SegmentService } from '../segments/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { assignVariant, decideAtFor, sendModeOf } from './abTest.ts';
import { toCampaign } from './campaignRows.ts';
import type { WorkspaceMessaging } from './dispatch.ts';
import { assignArm } from './holdout.ts';
import { enqueue, type NewDelivery } from './queue.ts';
import { enqueueSeedCopies } from './seedCopies.ts';
import { assertSenderIdentity, needsSenderIdentity } from './senderIdentity.ts';
import type { Campaign } from './types.ts';
import { usualHourTimes } from './usualHourFacts.ts';

const MEMBER_PAGE = 1000;
const ENQUEUE_CHUNK = 2000;
/** A launch still unfinished after this long was cut short (its process died): another worker resumes it. */
export const STALLED_LAUNCH_MS = 5 * 60_000;

export interface LaunchDeps {
  db: Db;
  segments: Pick<SegmentService, 'get' | 'refresh' | 'members'>;
  coupons: Pick<CouponService, 'issue' | 'listCodes'>;
  workspaces: Pick<WorkspaceService, 'get'>;
  settingsOf(workspaceId: string): Promise<WorkspaceMessaging>;
  campaignOf(workspaceId: string, id: string): Promise<Campaign>;
}

/**
 * Starts a campaign now: every current member of the segment gets a delivery row (held-out ones
 * settled at once), which the workers then send. Safe to call again: a cut-short launch resumes,
 * a finished one changes nothing.
 */
export async function sendNow(deps: LaunchDeps, workspaceId: string, id: string): Promise<{ campaign: Campaign; enqueued: number; heldOut: number }> {
  const before = await deps.campaignOf(workspaceId, id);
  // After the decision nothing would release a newcomer of the rest group: the audience is fixed.
  if (before.abDecision) throw new ConflictError(`campaign ${id}'s A/B test is decided: its audience can no longer grow`);
  if (needsSenderIdentity(before.template.channel, before.class)) assertSenderIdentity((await deps.settingsOf(workspaceId)).settings);
  const { rows } = await deps.db.query(
    `UPDATE campaigns SET status = 'sending', started_at = coalesce(started_at, now()), updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND status IN ('draft', 'scheduled', 'sending') RETURNING *`,
    [workspaceId, id],
  );
  if (!rows[0]) throw new ConflictError(`campaign ${id} was already ${(await deps.campaignOf(workspaceId, id)).status}`);
  const counts = await enqueueMembers(deps, workspaceId, toCampaign(rows[0]));
  return { campaign: await deps.campaignOf(workspaceId, id), ...counts };
}

/**
 * The worker's part: starts scheduled campaigns due at `now` and resumes launches cut short (of one
 * workspace, or of all when `workspaceId` is null). Returns how many it launched.
 */
export async function launchDue(deps: LaunchDeps, now: Date, workspaceId: string | null): Promise<number> {
  const { rows } = await deps.db.query(
    `UPDATE campaigns SET status = 'sending', started_at = $1, updated_at = now()
     WHERE (status = 'scheduled' AND scheduled_at <= $1 OR status = 'sending' AND enqueued_at IS NULL AND started_at < $2)
       AND ($3::uuid IS NULL OR workspace_id = $3)
     RETURNING *`,
    [now, new Date(now.getTime() - STALLED_LAUNCH_MS), workspaceId],
  );
  for (const r of rows) await enqueueMembers(deps, r.workspace_id as string, toCampaign(r));
  return rows.length;
}

async function enqueueMembers(deps: LaunchDeps, workspaceId: string, campaign: Campaign): Promise<{ enqueued: number; heldOut: number }> {
  const { settings } = await deps.settingsOf(workspaceId);
  const segment = await deps.segments.get(workspaceId, campaign.segmentId);
  if (!segment.refreshedAt) await deps.segments.refresh(workspaceId, segment.id);
  const members: NewDelivery[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await deps.segments.members(workspaceId, segment.id, { limit: MEMBER_PAGE, cursor });
    for (const member of page.data) {
      const arm = assignArm({
        workspaceId,
        campaignId: campaign.id,
        customerId: member.customerId,
        holdoutPercent: campaign.holdoutPercent,
        globalControlPercent: settings.policy.globalControlPercent,
        transactional: campaign.class === 'transactional',
      });
      // Only the treated take part in an A/B test: the holdout and global control stay apart from every variant.
      const variant = campaign.abTest && arm === 'treatment' ? assignVariant(campaign.id, member.customerId, campaign.abTest) : null;
      const abGroup = campaign.abTest && arm === 'treatment' ? (variant ? 'test' : 'rest') : undefined;
      members.push({ customerId: member.customerId, arm, vars: {}, variant, abGroup });
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  await scheduleMembers(deps, workspaceId, campaign, members, settings.policy.quietHours);
  if (campaign.couponCampaignId) await attachCoupons(deps, workspaceId, campaign.couponCampaignId, members);
  let enqueued = 0;
  for (let i = 0; i < members.length; i += ENQUEUE_CHUNK) {
    enqueued += await enqueue(
      deps.db,
      workspaceId,
      { id: campaign.id, channel: campaign.channel, class: campaign.class, step: 'main', dueAt: new Date() },
      members.slice(i, i + ENQUEUE_CHUNK),
    );
  }
  // The seed list gets its copies before the launch counts as done: a resumed launch adds them if a cut-short one did not.
  await enqueueSeedCopies(deps.db, workspaceId, campaign, new Date());
  await deps.db.query('UPDATE campaigns SET enqueued_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, campaign.id]);
  return { enqueued, heldOut: members.filter((m) => m.arm !== 'treatment').length };
}

/**
 * Due times: a variant's fixed send time, or each customer's next usual hour (usualHour.ts) when
 * the variant or the campaign asks for it; the rest of an A/B test waits for the decision, whose
 * time is fixed here at the launch.
 */
async function scheduleMembers(deps: LaunchDeps, workspaceId: string, campaign: Campaign, members: NewDelivery[], quietHours: { start: string; end: string } | null): Promise<void> {
  const now = new Date();
  await scheduleTreated(deps, workspaceId, campaign, members, quietHours, now);
  if (campaign.abTest) {
    // Decided only once the test group's last delivery is due, plus the delay (abTest.ts decideAtFor).
    const startedAt = campaign.startedAt ?? now;
    let lastTestDue: Date | null = null;
    for (const m of members) if (m.abGroup === 'test' && m.dueAt && (!lastTestDue || m.dueAt > lastTestDue)) lastTestDue = m.dueAt;
    const decideAt = decideAtFor(campaign.abTest, startedAt, lastTestDue);
    // A resumed launch keeps the time fixed by the first one.
    const { rows } = await deps.db.query<{ ab_decide_at: Date }>(
      'UPDATE campaigns SET ab_decide_at = coalesce(ab_decide_at, $3) WHERE workspace_id = $1 AND id = $2 RETURNING ab_decide_at',
      [workspaceId, campaign.id, decideAt],
    );
    const fixed = rows[0]?.ab_decide_at ?? decideAt;
    for (const m of members) if (m.abGroup === 'rest') m.dueAt = fixed;
  }
}

async function scheduleTreated(deps: LaunchDeps, workspaceId: string, campaign: Campaign, members: NewDelivery[], quietHours: { start: string; end: string } | null, now: Date): Promise<void> {
  const usualBy = new Map<number, NewDelivery[]>();
  const variants = new Map((campaign.abTest?.variants ?? []).map((v) => [v.key, v]));
  for (const m of members) {
    if (m.arm !== 'treatment' || m.abGroup === 'rest') continue;
    const mode = sendModeOf(m.variant ? variants.get(m.variant) : undefined, campaign.sendTime);
    if (mode.mode === 'fixed' && mode.at && mode.at > now) m.dueAt = mode.at;
    if (mode.mode === 'usual_hour') {
      const group = usualBy.get(mode.windowHours);
      if (group) group.push(m);
      else usualBy.set(mode.windowHours, [m]);
    }
  }
  if (usualBy.size === 0) return;
  const { timeZone } = await deps.workspaces.get(workspaceId);
  for (const [windowHours, group] of usualBy) {
    const times = await usualHourTimes(deps.db, workspaceId, group.map((m) => m.customerId), now, { windowHours, quietHours, timeZone });
    for (const m of group) m.dueAt = times.get(m.customerId)?.at ?? m.dueAt;
  }
}

/** One coupon code per treated customer (the coupons service skips those who hold one already). */
async function attachCoupons(deps: LaunchDeps, workspaceId: string, couponCampaignId: string, members: NewDelivery[]): Promise<void> {
  const treated = members.filter((m) => m.arm === 'treatment');
  for (let i = 0; i < treated.length; i += 100_000) {
    await deps.coupons.issue(workspaceId, couponCampaignId, { customers: treated.slice(i, i + 100_000).map((m) => m.customerId) });
  }
  const codes = new Map<string, string>();
  for (let cursor: string | undefined; ; ) {
    const page = await deps.coupons.listCodes(workspaceId, couponCampaignId, { limit: 500, cursor });
    for (const c of page.data) if (c.customerId && !codes.has(c.customerId)) codes.set(c.customerId, c.code);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  for (const m of treated) {
    const code = codes.get(m.customerId);
    if (code) m.vars = { couponCode: code };
  }
}
