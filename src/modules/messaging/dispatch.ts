import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../kernel/errors.ts';
import { contactHash, CustomerService } from '../customers/index.ts';
import type { RecommendationService } from '../recommendations/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { capWindowDays, CONSENT_CHANNEL, decide } from './deliveryGate.ts';
import { addressOf, customerScope, footerLang, loadRecipients, postalOf, suppressionKind, type Recipient } from './facts.ts';
import { ProviderError, type Messenger, type OutboundMessage } from './messenger.ts';
import type { DkimSigningKey } from './dkim.ts';
import type { DmBatchStore } from './dmBatches.ts';
import { createMessenger } from './messengers.ts';
import { approveSends, capHistory, claim, extendLeases, finishCampaigns, LEASE_MS, lockRecipients, markSending, retryDelayMs, settle, settleUncertain, type Claimed, type Outcome } from './queue.ts';
import { RateLimiter } from './rateLimiter.ts';
import { claimSeedCopies, markedContent, SEED_COPY_HEADER, settleSeedCopy } from './seedCopies.ts';
import { compileTemplate, type CompiledTemplate, type RenderScope } from './render.ts';
import type { MessagingSettings } from './settings.ts';
import { addSuppressions } from './suppressions.ts';
import { trackingUrls } from './tokens.ts';
import type { Campaign, RecipientVariableProviders } from './types.ts';
import { variantTemplate } from './abTest.ts';

const DAY = 86_400_000;

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

type Composed = { row: Claimed; message: OutboundMessage | ProviderError };

/** Messages composed one after another, as the rows come (rendering is CPU work: interleaving them gains nothing). */
async function composeEach<T>(items: T[], compose: (item: T) => Promise<Composed>): Promise<Composed[]> {
  const out: Composed[] = [];
  for (const item of items) out.push(await compose(item));
  return out;
}

const isReady = (m: Composed): m is { row: Claimed; message: OutboundMessage } => !(m.message instanceof ProviderError);

export interface DrainOptions {
  /** The clock (tests move it to reach deferrals and retries). */
  now?: Date;
  /** Most deliveries claimed in this pass. */
  limit?: number;
  workspaceId?: string;
  /** Messages in flight at once. */
  concurrency?: number;
  /** How long claimed rows stay ours; after it another worker may claim them (this one is presumed dead). */
  leaseMs?: number;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  deferred: number;
  suppressed: number;
  failed: number;
  retrying: number;
  /** Messages left 'sending' by a dead worker, settled 'uncertain' in this pass (at most once). */
  uncertain: number;
  /** Seed copies sent to the team's addresses (not deliveries: not in `sent`). */
  seedCopies: number;
  /** Milliseconds in the gate (`phaseMs.gate`), as `--json` printed it before the phases. */
  gateMs: number;
  /** Milliseconds by phase (see PhaseMs), and in the whole pass. */
  phaseMs: PhaseMs;
  totalMs: number;
}

/**
 * Where a pass' time went, in milliseconds summed over its tasks: messages are rendered, marked,
 * sent and settled concurrently, so the phases overlap (`provider` alone may exceed the pass).
 */
export interface PhaseMs {
  /** Settling dead workers' sends 'uncertain' and claiming due rows. */
  claim: number;
  /** The delivery gate: locks, facts loaded in bulk, decisions, and settling what it stopped. */
  gate: number;
  /** Composing messages (the campaign read once, Liquid, the cached MJML shape, tracking links). */
  render: number;
  /** Committing messages 'sending' before their provider calls. */
  mark: number;
  /** Waiting for the channel's provider (summed over the messages in flight). */
  provider: number;
  /** Writing outcomes and their log rows. */
  settle: number;
  /** Seed copies and marking finished campaigns sent. */
  finish: number;
}

const noPhases = (): PhaseMs => ({ claim: 0, gate: 0, render: 0, mark: 0, provider: 0, settle: 0, finish: 0 });

/** Runs `fn`, adding its time to `phase` of `result`. */
async function timedPhase<T>(result: DrainResult, phase: keyof PhaseMs, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    result.phaseMs[phase] += performance.now() - started;
  }
}

export interface WorkspaceMessaging {
  settings: MessagingSettings;
  linkSecret: string;
  version: string;
  /** The sender domain's DKIM keys, opened. */
  dkim: DkimSigningKey[];
}

interface Deps {
  dmBatches: DmBatchStore;
  recipientVariables: RecipientVariableProviders;
  workspaces: Pick<WorkspaceService, 'get'>;
  recommendations: Pick<RecommendationService, 'forCustomer'>;
  settingsOf(workspaceId: string): Promise<WorkspaceMessaging>;
  campaignOf(workspaceId: string, campaignId: string): Promise<Campaign>;
}

/**
 * The worker side: claims due deliveries, puts each through the delivery gate over facts loaded in
 * bulk, renders and hands the survivors to their channel's messenger, and settles every row with
 * its reason. Holds per-process caches (messengers with their SMTP pools, compiled templates,
 * rate limiters); `close` releases them.
 */
export class Dispatcher {
  private readonly messengers = new Map<string, { version: string; messenger: Messenger }>();
  private readonly templates = new Map<string, Promise<CompiledTemplate>>();
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(
    private readonly db: Db,
    private readonly deps: Deps,
  ) {}

  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const started = performance.now();
    const now = options.now ?? new Date();
    const result: DrainResult = { claimed: 0, sent: 0, deferred: 0, suppressed: 0, failed: 0, retrying: 0, uncertain: 0, seedCopies: 0, gateMs: 0, phaseMs: noPhases(), totalMs: 0 };
    const leaseMs = options.leaseMs ?? LEASE_MS;
    const { uncertain, claimed } = await timedPhase(result, 'claim', async () => ({
      uncertain: await settleUncertain(this.db, now, options.workspaceId ?? null),
      claimed: await claim(this.db, now, options.limit ?? 500, options.workspaceId ?? null, leaseMs),
    }));
    result.uncertain = uncertain.reduce((n, c) => n + c.count, 0);
    result.claimed = claimed.length;
    // Heartbeat: the lease is renewed every third of it while this pass sends, on the pass' clock
    // (`now` plus the time spent), so a slow batch keeps its rows and a killed worker loses them soon.
    const heartbeat = setInterval(
      () => void extendLeases(this.db, claimed, new Date(now.getTime() + (performance.now() - started) + leaseMs)).catch(() => {}),
      leaseMs / 3,
    );
    try {
      const byWorkspace = groupBy(claimed, (c) => c.workspace_id);
      for (const [workspaceId, rows] of byWorkspace) await this.dispatchWorkspace(workspaceId, rows, now, options.concurrency ?? 16, result);
    } finally {
      clearInterval(heartbeat);
    }
    await timedPhase(result, 'finish', async () => {
      result.seedCopies = await this.sendSeedCopies(now, options.workspaceId ?? null, leaseMs);
      const touched = [...claimed.map((c) => ({ workspaceId: c.workspace_id, campaignId: c.campaign_id })), ...uncertain];
      const campaigns = [...new Map(touched.map((c) => [`${c.workspaceId}:${c.campaignId}`, { workspaceId: c.workspaceId, campaignId: c.campaignId }])).values()];
      await finishCampaigns(this.db, campaigns);
    });
    result.gateMs = result.phaseMs.gate;
    result.totalMs = performance.now() - started;
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.messengers.values()].map((m) => m.messenger.close()));
    this.messengers.clear();
    this.templates.clear();
  }

  private async dispatchWorkspace(workspaceId: string, rows: Claimed[], now: Date, concurrency: number, result: DrainResult): Promise<void> {
    const gateStarted = performance.now();
    const ws = await this.deps.settingsOf(workspaceId);
    const policy = ws.settings.policy;
    const { timeZone } = await this.deps.workspaces.get(workspaceId);
    const marketingCustomers = rows.filter((r) => r.class === 'marketing').map((r) => r.customer_id);
    // The gate decides under the customers' locks until its approvals are stamped (queue.ts, lockRecipients): caps hold across workers.
    const { settled, toSend, addresses } = await this.db.tx(async (tx) => {
      await lockRecipients(tx, workspaceId, marketingCustomers);
      const capSince = new Date(now.getTime() - capWindowDays(policy) * DAY);
      const recipients = await loadRecipients(tx, workspaceId, rows.map((r) => r.customer_id), capSince, this.deps.recipientVariables);
      const history = await capHistory(tx, workspaceId, marketingCustomers, rows.map((r) => r.id), capSince, now);
      for (const id of marketingCustomers) {
        const recipient = recipients.get(id);
        if (recipient) recipient.recentSends = history.get(id) ?? [];
      }
      const addresses = new Map(rows.map((r) => [r.id, recipients.get(r.customer_id) ? addressOf(recipients.get(r.customer_id)!, r.channel) : null]));
      const suppressed = await CustomerService.suppressionReasons(
        tx,
        workspaceId,
        rows.flatMap((r) => (suppressionKind(r.channel) && addresses.get(r.id) ? [addresses.get(r.id)!] : [])),
      );

      const settled: Outcome[] = [];
      const toSend: { row: Claimed; recipient: Recipient; address: string }[] = [];
      // Customer order, so a second message to the same customer in this batch sees the first one's cap.
      for (const row of [...rows].sort((a, b) => a.customer_id.localeCompare(b.customer_id))) {
        const recipient = recipients.get(row.customer_id);
        const address = addresses.get(row.id) ?? null;
        const base = { id: row.id, customerId: row.customer_id, attempts: row.attempts };
        if (!recipient) {
          settled.push({ ...base, state: 'suppressed', reason: 'customer_deleted' });
          continue;
        }
        const consentChannel = CONSENT_CHANNEL[row.channel];
        const decision = decide(
          {
            channel: row.channel,
            class: row.class,
            address,
            erased: recipient.erased,
            consent: consentChannel ? (recipient.consents.get(consentChannel) ?? null) : null,
            suppression: address && suppressionKind(row.channel) ? (suppressed.get(contactHash(address)) ?? null) : null,
            recentSends: recipient.recentSends,
            timeZone: recipient.timeZone ?? timeZone,
          },
          policy,
          now,
        );
        if (decision.action === 'suppress') settled.push({ ...base, state: 'suppressed', reason: decision.reason });
        else if (decision.action === 'defer') settled.push({ ...base, state: 'deferred', reason: decision.reason, dueAt: decision.until });
        else {
          if (row.class === 'marketing') recipient.recentSends.push({ channel: row.channel, at: now });
          toSend.push({ row, recipient, address: address! });
        }
      }
      await settle(tx, workspaceId, settled, now);
      await approveSends(tx, workspaceId, toSend.filter((s) => s.row.class === 'marketing').map((s) => s.row), now);
      return { settled, toSend, addresses };
    });
    for (const o of settled) result[o.state === 'deferred' ? 'deferred' : 'suppressed']++;
    result.phaseMs.gate += performance.now() - gateStarted;

    // Each campaign is read once per pass, not once per message (a query per message cost more than its render).
    // A failed read is not kept (the next message reads again), and the messages that shared it are
    // retried later, as after a provider's temporary error: one lost read must not fail a whole pass.
    const campaigns = new Map<string, Promise<Campaign>>();
    const campaignOf = (id: string) => {
      let campaign = campaigns.get(id);
      if (!campaign) {
        campaigns.set(id, (campaign = this.deps.campaignOf(workspaceId, id)));
        campaign.catch(() => campaigns.delete(id));
      }
      return campaign;
    };
    const unreadable = (err: Error) =>
      err instanceof NotFoundError ? new ProviderError(`render: ${err.message}`, 'render_failed', false) : new ProviderError(`campaign read: ${err.message}`, 'campaign_unavailable', true);
    for (const [channel, group] of groupBy(toSend, (s) => s.row.channel)) {
      const messenger = this.messenger(workspaceId, ws, channel);
      if (!messenger) {
        const failed = group.map((s) => ({ id: s.row.id, customerId: s.row.customer_id, attempts: s.row.attempts, state: 'failed' as const, reason: `not_configured:${channel}` }));
        result.failed += await timedPhase(result, 'settle', () => settle(this.db, workspaceId, failed, now));
        continue;
      }
      const compose = async (s: (typeof group)[number]): Promise<Composed> => ({
        row: s.row,
        message: await timedPhase(result, 'render', () =>
          campaignOf(s.row.campaign_id).then(
            (campaign) =>
              this.compose(workspaceId, ws, campaign, s.row, s.recipient, s.address).catch((err: Error) => new ProviderError(`render: ${err.message}`, 'render_failed', false)),
            unreadable,
          ),
        ),
      });
      const limiter = this.limiter(workspaceId, channel, ws.settings.policy.ratePerSecond[channel]);
      let pending: Outcome[] = [];
      const flush = async () => {
        const batch = pending;
        pending = [];
        if (batch.length === 0) return;
        await timedPhase(result, 'settle', () => settle(this.db, workspaceId, batch, now));
        for (const o of batch) result[o.state === 'sent' ? 'sent' : o.state === 'failed' ? 'failed' : 'retrying']++;
      };
      const record = async (row: Claimed, outcome: { providerId: string } | ProviderError) => {
        const o = this.outcome(row, outcome, ws.settings.policy.maxAttempts, now);
        if (outcome instanceof ProviderError && outcome.code === 'invalid_recipient' && suppressionKind(row.channel) === 'email') {
          await addSuppressions(this.db, workspaceId, [{ kind: 'email', value: addresses.get(row.id)!, reason: 'hard_bounce' }]);
        }
        pending.push(o);
        if (pending.length >= concurrency) await flush();
      };
      const sendBatch = messenger.sendBatch?.bind(messenger);
      if (sendBatch) {
        // A batch channel (paper DM) hands the whole claim over at once: all of it is composed and committed 'sending' first.
        const messages = await composeEach(group, compose);
        const ready = messages.filter(isReady);
        for (const m of messages) if (m.message instanceof ProviderError) await record(m.row, m.message);
        const marked = await timedPhase(result, 'mark', () => markSending(this.db, workspaceId, ready.map((m) => m.row)));
        const batch = ready.filter((m) => marked.has(m.row.id));
        const outcomes = batch.length > 0 ? await timedPhase(result, 'provider', () => sendBatch(batch.map((m) => m.message))) : [];
        for (const [i, m] of batch.entries()) await record(m.row, outcomes[i]!);
        await flush();
        continue;
      }
      // At most once: a message is committed 'sending' before its provider call, in groups of
      // `concurrency` (one statement per group, asked for by the group's first message), and its
      // outcome is written after it, in groups as well. A worker killed meanwhile leaves fewer than
      // three groups 'sending', which become 'uncertain' (docs/messaging.md, Delivery guarantees).
      // A group is rendered while the one before it is with the provider (rendering all of them
      // first left the provider idle meanwhile); messages that fail to render are never marked.
      const composed = new Map<number, Promise<Composed[]>>();
      const composedGroup = (g: number) => {
        let messages = composed.get(g);
        if (!messages) {
          messages = composeEach(group.slice(g * concurrency, (g + 1) * concurrency), compose);
          composed.set(g, messages);
        }
        return messages;
      };
      const marks = new Map<number, Promise<Map<string, OutboundMessage>>>();
      const markedGroup = (g: number) => {
        let marked = marks.get(g);
        if (!marked) {
          marked = composedGroup(g).then(async (messages) => {
            for (const m of messages) if (m.message instanceof ProviderError) await record(m.row, m.message);
            const ready = messages.filter(isReady);
            const ours = await timedPhase(result, 'mark', () => markSending(this.db, workspaceId, ready.map((m) => m.row)));
            // The next group renders while this one is with the provider; its error surfaces where it is awaited.
            if ((g + 1) * concurrency < group.length) composedGroup(g + 1).catch(() => {});
            return new Map(ready.filter((m) => ours.has(m.row.id)).map((m) => [m.row.id, m.message]));
          });
          marks.set(g, marked);
        }
        return marked;
      };
      let next = 0;
      // A worker that fails (the database, mostly) stops the others: nothing more is sent once the outcomes can't be written.
      let failure: { error: unknown } | null = null;
      const worker = async () => {
        try {
          for (let index = next++; index < group.length && !failure; index = next++) {
            const { row } = group[index]!;
            // Not ours when it failed to render, or when another worker took it over (this one outlived its lease): theirs to send.
            const message = (await markedGroup(Math.floor(index / concurrency))).get(row.id);
            if (!message) continue;
            if (limiter) await limiter.take();
            const outcome = await timedPhase(result, 'provider', () =>
              messenger.send(message).catch((err: unknown) => (err instanceof ProviderError ? err : new ProviderError((err as Error).message, 'error', true))),
            );
            await record(row, outcome);
          }
        } catch (error) {
          failure ??= { error };
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, group.length) }, worker));
      // What was sent is recorded 'sent' even when a worker stopped on an error; the rest of its group stays 'sending' (uncertain).
      await flush();
      if (failure) throw (failure as { error: unknown }).error;
    }
  }

  /**
   * Seed copies due (docs/messaging.md, Seed lists and proofs): the campaign's message as its first
   * treated recipient gets it, without tracking (the team's opens and clicks are not the
   * customer's) and with a dead unsubscribe link, marked in the subject and a header. They skip
   * the customer gate but take the channel's rate limiter like any message.
   */
  private async sendSeedCopies(now: Date, workspaceId: string | null, leaseMs: number): Promise<number> {
    const copies = await claimSeedCopies(this.db, now, 100, workspaceId, leaseMs);
    let sent = 0;
    for (const copy of copies) {
      const ws = await this.deps.settingsOf(copy.workspace_id);
      const messenger = this.messenger(copy.workspace_id, ws, copy.channel);
      const recipient = (await loadRecipients(this.db, copy.workspace_id, [copy.customer_id], now, this.deps.recipientVariables)).get(copy.customer_id);
      if (!messenger || !recipient) {
        await settleSeedCopy(this.db, copy, { state: 'failed', reason: messenger ? 'customer_deleted' : `not_configured:${copy.channel}` }, now);
        continue;
      }
      const campaign = await this.deps.campaignOf(copy.workspace_id, copy.campaign_id);
      const row = { id: copy.id, channel: copy.channel, class: campaign.class, vars: copy.vars, variant: null };
      const outcome = await this.compose(copy.workspace_id, ws, campaign, row, recipient, copy.address, true)
        .then(async (message) => {
          const limiter = this.limiter(copy.workspace_id, copy.channel, ws.settings.policy.ratePerSecond[copy.channel]);
          if (limiter) await limiter.take();
          return messenger.send({ ...message, content: markedContent(message.content, '[seed copy]'), headers: { [SEED_COPY_HEADER]: copy.campaign_id } });
        })
        .catch((err: unknown) => (err instanceof ProviderError ? err : new ProviderError((err as Error).message, 'error', true)));
      if (!(outcome instanceof ProviderError)) {
        await settleSeedCopy(this.db, copy, { state: 'sent', providerId: outcome.providerId }, now);
        sent++;
      } else if (outcome.retryable && copy.attempts < ws.settings.policy.maxAttempts) {
        await settleSeedCopy(this.db, copy, { state: 'queued', reason: `retry:${outcome.code}`, dueAt: new Date(now.getTime() + retryDelayMs(copy.attempts)) }, now);
      } else {
        await settleSeedCopy(this.db, copy, { state: 'failed', reason: `provider:${outcome.code}` }, now);
      }
    }
    return sent;
  }

  private outcome(row: Claimed, sent: { providerId: string } | ProviderError, maxAttempts: number, now: Date): Outcome {
    const base = { id: row.id, customerId: row.customer_id, attempts: row.attempts };
    if (!(sent instanceof ProviderError)) return { ...base, state: 'sent', reason: null, providerId: sent.providerId };
    if (sent.retryable && row.attempts < maxAttempts) {
      return { ...base, state: 'queued', reason: `retry:${sent.code}`, dueAt: new Date(now.getTime() + retryDelayMs(row.attempts)) };
    }
    return { ...base, state: 'failed', reason: `provider:${sent.code}` };
  }

  /** The message of `row` for `recipient`; a `seedCopy` carries no tracking and a dead unsubscribe link (the team's clicks are not the customer's). */
  private async compose(
    workspaceId: string,
    ws: WorkspaceMessaging,
    campaign: Campaign,
    row: Pick<Claimed, 'id' | 'channel' | 'class' | 'vars' | 'variant'>,
    recipient: Recipient,
    address: string,
    seedCopy = false,
  ): Promise<OutboundMessage> {
    // An A/B test's variant sends its own subject, content or sender name (abTest.ts).
    const variant = row.variant ? campaign.abTest?.variants.find((v) => v.key === row.variant) : undefined;
    // The footer comes from the settings: a settings change recompiles.
    const cacheKey = `${campaign.id}:${row.variant ?? ''}:${ws.version}`;
    let template = this.templates.get(cacheKey);
    if (!template) {
      template = compileTemplate(variantTemplate(campaign.template, variant), ws.settings, false, [...this.deps.recipientVariables.keys()]);
      this.templates.set(cacheKey, template);
    }
    const compiled = await template;
    const tracked = trackingUrls(ws.settings.publicBaseUrl, ws.linkSecret, { workspaceId, deliveryId: row.id });
    const urls = seedCopy ? { ...tracked, unsubscribe: `${ws.settings.publicBaseUrl.replace(/\/+$/, '')}/m/u/seed-copy` } : tracked;
    const marketing = row.class === 'marketing';
    const recommendations = compiled.usesRecommendations ? (await this.deps.recommendations.forCustomer(workspaceId, recipient.id, 3)).data : [];
    const scope: RenderScope = {
      customer: customerScope(recipient),
      coupon: typeof row.vars.couponCode === 'string' ? { code: row.vars.couponCode } : null,
      recommendations: recommendations.map((r) => ({ name: r.product.name, sku: r.product.sku, category: r.product.category, price: r.product.priceMinor })),
      campaign: { id: campaign.id, name: campaign.name },
      sender: { name: ws.settings.sender.name, postal_address: ws.settings.sender.postalAddress },
      unsubscribe_url: marketing ? urls.unsubscribe : null,
      footer_lang: footerLang(recipient),
    };
    const content = await compiled.render(scope, { tracking: row.channel === 'email' && !seedCopy ? urls : undefined, postal: postalOf(recipient) ?? undefined });
    return {
      key: row.id,
      channel: row.channel,
      class: row.class,
      to: address,
      content,
      unsubscribeUrl: marketing && !seedCopy ? urls.unsubscribe : undefined,
      ...(variant?.fromName ? { fromName: variant.fromName } : {}),
      about: { workspaceId, campaignId: campaign.id, customerId: recipient.id, externalId: recipient.externalId },
    };
  }

  private messenger(workspaceId: string, ws: WorkspaceMessaging, channel: Campaign['channel']): Messenger | undefined {
    const key = `${workspaceId}:${channel}`;
    const cached = this.messengers.get(key);
    if (cached?.version === ws.version) return cached.messenger;
    if (cached) void cached.messenger.close();
    const messenger = createMessenger(channel, ws.settings, { db: this.db, workspaceId, dmBatches: this.deps.dmBatches, dkim: ws.dkim });
    if (messenger) this.messengers.set(key, { version: ws.version, messenger });
    else this.messengers.delete(key);
    return messenger;
  }

  private limiter(workspaceId: string, channel: string, perSecond: number | undefined): RateLimiter | undefined {
    if (!perSecond) return undefined;
    const key = `${workspaceId}:${channel}:${perSecond}`;
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new RateLimiter(perSecond)));
    return limiter;
  }
}
