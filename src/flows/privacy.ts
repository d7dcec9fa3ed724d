import type { Db } from '../db/database.ts';
import type { AccountService } from '../modules/accounts/index.ts';
import type { CouponService } from '../modules/coupons/index.ts';
import type { CustomerService } from '../modules/customers/index.ts';
import type { EventService } from '../modules/events/index.ts';
import type { IngestService } from '../modules/ingest/index.ts';
import type { IntelligenceService } from '../modules/intelligence/index.ts';
import type { JourneyService } from '../modules/journeys/index.ts';
import type { LoyaltyService } from '../modules/loyalty/index.ts';
import type { MessagingService } from '../modules/messaging/index.ts';
import type { OrderService } from '../modules/orders/index.ts';
import type { SegmentService } from '../modules/segments/index.ts';
import type { SurveyService } from '../modules/surveys/index.ts';
import type { UgcService } from '../modules/ugc/index.ts';
import type { WebhookService } from '../modules/webhooks/index.ts';

export interface PrivacyModules {
  customers: CustomerService;
  accounts: AccountService;
  orders: OrderService;
  events: EventService;
  ingest: IngestService;
  intelligence: IntelligenceService;
  segments: SegmentService;
  coupons: CouponService;
  loyalty: LoyaltyService;
  messaging: MessagingService;
  journeys: JourneyService;
  surveys: SurveyService;
  ugc: UgcService;
  webhooks: WebhookService;
}

/**
 * APPI/GDPR requests, two flows across modules: each module exports and erases what it owns
 * (`exportCustomer` / `eraseCustomer` on its service, its own step); these only ask each of them,
 * in one transaction, so the export is one consistent snapshot and an erasure happens everywhere or
 * nowhere. src/flows/privacyCatalogue.test.ts checks against the database catalogue that no
 * table holding a customer reference is left out.
 */
export class PrivacyFlows {
  constructor(
    private readonly db: Db,
    private readonly m: PrivacyModules,
  ) {}

  /** Everything held on one person, by our id or the client's external id. */
  exportCustomer(workspaceId: string, idOrExternalId: string) {
    const { m } = this;
    return this.db.tx(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { id, accountId } = await m.customers.find(workspaceId, idOrExternalId, tx);
      // The B2B account is the company's, not the person's: shown, never erased with them.
      const account = accountId ? await m.accounts.get(workspaceId, accountId, tx) : null;
      return {
        exportedAt: new Date(),
        ...(await m.customers.exportCustomer(workspaceId, id, tx)),
        account,
        subscriptions: account ? await m.accounts.subscriptionsOf(workspaceId, account.id, tx) : [],
        ...(await m.orders.exportCustomer(workspaceId, id, tx)),
        ...(await m.events.exportCustomer(workspaceId, id, tx)),
        ...(await m.intelligence.exportCustomer(workspaceId, id, tx)),
        ...(await m.segments.exportCustomer(workspaceId, id, tx)),
        ...(await m.coupons.exportCustomer(workspaceId, id, tx)),
        ...(await m.loyalty.exportCustomer(workspaceId, id, tx)),
        ...(await m.messaging.exportCustomer(workspaceId, id, tx)),
        ...(await m.journeys.exportCustomer(workspaceId, id, tx)),
        ...(await m.surveys.exportCustomer(workspaceId, id, tx)),
        ...(await m.ugc.exportCustomer(workspaceId, id, tx)),
        ...(await m.webhooks.exportCustomer(workspaceId, id, tx)),
      };
    });
  }

  /**
   * Erases a person: personal data goes from every module (see each `eraseCustomer`), while facts
   * needed for true totals (order amounts, points, scores, message states) stay under the
   * customer's random id, which no longer leads to anyone. Running it again finds nothing more to
   * erase, and erases what arrived since.
   */
  eraseCustomer(workspaceId: string, idOrExternalId: string): Promise<void> {
    const { m } = this;
    return this.db.tx(async (tx) => {
      const { id } = await m.customers.find(workspaceId, idOrExternalId, tx);
      for (const module of [m.events, m.orders, m.segments, m.loyalty, m.messaging, m.journeys, m.surveys, m.ugc, m.webhooks, m.ingest, m.customers]) {
        await module.eraseCustomer(workspaceId, id, tx);
      }
    });
  }
}
