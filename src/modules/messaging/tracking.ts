import { ValidationError } from '../../kernel/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CustomerService } from '../customers/index.ts';
import { CONSENT_CHANNEL } from './deliveryGate.ts';
import { addressOf, loadRecipients, suppressionKind } from './facts.ts';
import { isMachineOpen } from './machineOpen.ts';
import { addSuppressions } from './suppressions.ts';
import { readToken, verifyToken, type TokenPurpose } from './tokens.ts';
import type { Channel } from './types.ts';

interface Deps {
  customers: Pick<CustomerService, 'insertConsents' | 'find'>;
  linkSecretOf(workspaceId: string): Promise<string | undefined>;
}

interface TrackedDelivery {
  workspaceId: string;
  id: string;
  customerId: string;
  channel: Channel;
  sentAt: Date | null;
}

/**
 * What recipients do with a message: open it (pixel), click (signed redirect), unsubscribe (one
 * click, no login), and what providers report back (bounces, complaints). Each is logged on the
 * delivery; unsubscribes, hard bounces and complaints put the address on the suppression list.
 */
export class Tracking {
  constructor(
    private readonly db: Db,
    private readonly deps: Deps,
  ) {}

  /**
   * Records the first open of each kind, a person's and a machine's (machineOpen.ts: the provider's
   * flag, or a known image proxy within seconds of delivery); a bad token is ignored (the pixel is
   * served anyway).
   */
  async open(token: string, context: { userAgent?: string | null; providerFlag?: boolean } = {}): Promise<void> {
    const d = await this.verified(token, 'open').catch(() => undefined);
    if (d) await this.recordOpen(d, isMachineOpen({ ...context, sentAt: d.sentAt, at: new Date() }), new Date());
  }

  /** An open the provider reported (SendGrid's event webhook), a machine's when it flagged it so; an unknown delivery is ignored. */
  async providerOpen(workspaceId: string, deliveryId: string, open: { providerFlag: boolean; at: Date }): Promise<void> {
    const d = await deliveryById(this.db, workspaceId, deliveryId);
    if (d) await this.recordOpen(d, isMachineOpen({ providerFlag: open.providerFlag, sentAt: d.sentAt, at: open.at }), open.at);
  }

  private async recordOpen(d: TrackedDelivery, machine: boolean, at: Date): Promise<void> {
    await this.db.tx(async (tx) => {
      const column = machine ? 'machine_opened_at' : 'human_opened_at';
      const { rowCount } = await tx.query(
        `UPDATE deliveries SET opened_at = least(coalesce(opened_at, $3), $3), ${column} = $3 WHERE workspace_id = $1 AND id = $2 AND ${column} IS NULL`,
        [d.workspaceId, d.id, at],
      );
      if (rowCount) await log(tx, d, 'opened', machine ? 'machine' : null);
    });
  }

  /** The click's target URL, after recording the click; throws on a forged token or URL. */
  async click(token: string, url: string): Promise<string> {
    const d = await this.verified(token, 'click', url);
    await this.mark(d, 'clicked_at', 'clicked', url.slice(0, 500));
    return url;
  }

  /** Whether the token is genuine (the unsubscribe page is shown only then). */
  async check(token: string, purpose: TokenPurpose): Promise<boolean> {
    return this.verified(token, purpose).then(
      () => true,
      () => false,
    );
  }

  /**
   * One-click unsubscribe: the channel's address goes on the suppression list and an opt-out is
   * recorded for the channel. Repeating it is harmless.
   */
  async unsubscribe(token: string, source = 'unsubscribe_link'): Promise<{ channel: Channel }> {
    const d = await this.verified(token, 'unsubscribe');
    await this.db.tx(async (tx) => {
      const recipient = (await loadRecipients(tx, d.workspaceId, [d.customerId], new Date())).get(d.customerId);
      const address = recipient ? addressOf(recipient, d.channel) : null;
      const kind = suppressionKind(d.channel);
      if (address && kind) await addSuppressions(tx, d.workspaceId, [{ kind, value: address, reason: 'unsubscribed' }]);
      const consentChannel = CONSENT_CHANNEL[d.channel];
      if (consentChannel && recipient && !recipient.erased) {
        await this.deps.customers.insertConsents(d.workspaceId, [{ customerId: d.customerId, channel: consentChannel, status: 'opted_out', source, recordedAt: new Date() }], tx);
      }
      await log(tx, d, 'unsubscribed', null);
    });
    return { channel: d.channel };
  }

  /**
   * A provider's bounce or complaint report. A hard bounce suppresses the address for every
   * message, a complaint for marketing (and records an opt-out); soft bounces are only logged.
   */
  async report(workspaceId: string, input: { type: 'hard_bounce' | 'soft_bounce' | 'complaint'; email?: string; phone?: string; deliveryId?: string }): Promise<{ suppressed: number }> {
    const entries = [
      ...(input.email ? [{ kind: 'email' as const, value: input.email }] : []),
      ...(input.phone ? [{ kind: 'phone' as const, value: input.phone }] : []),
    ];
    if (entries.length === 0 && !input.deliveryId) throw new ValidationError('Invalid report', [{ path: ['email'], message: 'give email, phone or deliveryId' }]);
    return this.db.tx(async (tx) => {
      let delivery: TrackedDelivery | undefined;
      if (input.deliveryId) {
        delivery = await deliveryById(tx, workspaceId, input.deliveryId);
        if (!delivery) throw new ValidationError('Invalid report', [{ path: ['deliveryId'], message: `delivery ${input.deliveryId} not found` }]);
        const recipient = (await loadRecipients(tx, workspaceId, [delivery.customerId], new Date())).get(delivery.customerId);
        const address = recipient && addressOf(recipient, delivery.channel);
        const kind = suppressionKind(delivery.channel);
        if (address && (kind === 'email' || kind === 'phone') && !entries.some((e) => e.value === address)) entries.push({ kind, value: address });
        await log(tx, delivery, input.type === 'complaint' ? 'complained' : 'bounced', input.type);
      }
      if (input.type === 'soft_bounce') return { suppressed: 0 };
      await addSuppressions(tx, workspaceId, entries.map((e) => ({ ...e, reason: input.type as 'hard_bounce' | 'complaint' })));
      if (input.type === 'complaint' && delivery) {
        const channel = CONSENT_CHANNEL[delivery.channel];
        if (channel) await this.deps.customers.insertConsents(workspaceId, [{ customerId: delivery.customerId, channel, status: 'opted_out', source: 'complaint', recordedAt: new Date() }], tx);
      }
      return { suppressed: entries.length };
    });
  }

  private async verified(token: string, purpose: TokenPurpose, url = ''): Promise<TrackedDelivery> {
    const subject = readToken(token);
    const secret = subject && (await this.deps.linkSecretOf(subject.workspaceId));
    if (!subject || !secret || !verifyToken(secret, purpose, token, url)) throw new ValidationError('This link is not valid', [{ path: ['token'], message: 'not a link Kizuna signed' }]);
    const d = await deliveryById(this.db, subject.workspaceId, subject.deliveryId);
    if (!d) throw new ValidationError('This link is not valid', [{ path: ['token'], message: 'the message no longer exists' }]);
    return d;
  }

  private async mark(d: TrackedDelivery, column: 'opened_at' | 'clicked_at', kind: string, reason: string | null): Promise<void> {
    await this.db.tx(async (tx) => {
      // A click implies the message was opened, even where images (the pixel) were blocked.
      const { rowCount } = await tx.query(
        `UPDATE deliveries SET ${column === 'clicked_at' ? 'clicked_at = now(), ' : ''}opened_at = coalesce(opened_at, now()), human_opened_at = coalesce(human_opened_at, now())
         WHERE workspace_id = $1 AND id = $2 AND ${column} IS NULL`,
        [d.workspaceId, d.id],
      );
      if (rowCount || kind === 'clicked') await log(tx, d, kind, reason);
    });
  }
}

async function deliveryById(q: Db | { query: Db['query'] }, workspaceId: string, id: string): Promise<TrackedDelivery | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await q.query<{ customer_id: string; channel: Channel; sent_at: Date | null }>('SELECT customer_id, channel, sent_at FROM deliveries WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return rows[0] && { workspaceId, id, customerId: rows[0].customer_id, channel: rows[0].channel, sentAt: rows[0].sent_at };
}

async function log(q: { query: Db['query'] }, d: TrackedDelivery, kind: string, reason: string | null): Promise<void> {
  await q.query('INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) VALUES ($1, $2, $3, $4, $5)', [d.workspaceId, d.id, d.customerId, kind, reason]);
}
