import type { Db } from '../db/database.ts';
import { AccountService } from '../modules/accounts/service.ts';
import { CatalogService } from '../modules/catalog/service.ts';
import { CouponService } from '../modules/coupons/service.ts';
import { CustomerService } from '../modules/customers/service.ts';
import { EventService } from '../modules/events/service.ts';
import { IngestService } from '../modules/ingest/service.ts';
import { IntelligenceService } from '../modules/intelligence/service.ts';
import { LoyaltyService } from '../modules/loyalty/service.ts';
import { MessagingService } from '../modules/messaging/service.ts';
import { DmBatchStore } from '../modules/messaging/dmBatches.ts';
import { SecretBox } from '../kernel/secretBox.ts';
import { JobService } from '../modules/jobs/service.ts';
import { OrderService } from '../modules/orders/service.ts';
import { PrivacyService } from '../modules/privacy/service.ts';
import { RecommendationService } from '../modules/recommendations/service.ts';
import { SegmentService } from '../modules/segments/service.ts';
import { UserService } from '../modules/users/service.ts';
import { RequestAuthenticator } from '../modules/users/authenticator.ts';
import type { Authenticator } from '../kernel/access.ts';
import { TeamService } from '../modules/users/team.ts';
import { WebhookService } from '../modules/webhooks/service.ts';
import { WorkspaceService } from '../modules/workspaces/service.ts';
import { JourneyService } from '../modules/journeys/service.ts';
import { SurveyService } from '../modules/surveys/service.ts';
import { surveyLinkVariables } from '../modules/surveys/linkVariables.ts';
import { loyaltyVariables } from '../modules/loyalty/templateVariables.ts';
import type { RecipientVariableProviders } from '../modules/messaging/types.ts';
import { UgcService } from '../modules/ugc/service.ts';
import { MediaService } from '../modules/media/service.ts';

/**
 * The module services, built once per process over one database handle. Modules reach each other
 * only through what is here.
 */
export interface Services {
  db: Db;
  /** API keys and sessions to principals: what every route's `requireScope` asks. */
  authenticator: Authenticator;
  /** The read replica (DATABASE_READ_URL) for heavy read-only work; `db` itself when there is none. */
  readDb: Db;
  workspaces: WorkspaceService;
  accounts: AccountService;
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  events: EventService;
  ingest: IngestService;
  recommendations: RecommendationService;
  coupons: CouponService;
  users: UserService;
  team: TeamService;
  intelligence: IntelligenceService;
  jobs: JobService;
  webhooks: WebhookService;
  segments: SegmentService;
  loyalty: LoyaltyService;
  messaging: MessagingService;
  journeys: JourneyService;
  surveys: SurveyService;
  ugc: UgcService;
  /** Images uploaded for email templates (the visual editor). */
  media: MediaService;
  privacy: PrivacyService;
}

/** Template variables other modules provide per recipient, handed to messaging here (not registered on import). */
export const recipientVariables: RecipientVariableProviders = new Map([
  ['survey_links', surveyLinkVariables],
  ['loyalty', loyaltyVariables],
]);

export interface ServiceOptions {
  /** Where the server keeps files it writes (paper DM batches); without it, a temporary directory of this process. */
  dataDir?: string;
  /** A pool on the read replica: KPIs, the at-risk export, segment previews and audience exports read there. */
  readDb?: Db;
}

export function createServices(db: Db, options: ServiceOptions = {}): Services {
  const readDb = options.readDb ?? db;
  const workspaces = new WorkspaceService(db);
  const accounts = new AccountService(db);
  const customers = new CustomerService(db, accounts);
  const catalog = new CatalogService(db);
  const orders = new OrderService(db, customers, catalog);
  const events = new EventService(db, customers);
  const users = new UserService(db);
  const team = new TeamService(db, users);
  const authenticator = new RequestAuthenticator({ workspaces, users });
  const recommendations = new RecommendationService(db, { customers, orders, events, catalog });
  const jobs = new JobService(db);
  const intelligence = new IntelligenceService(db, workspaces, events, jobs, readDb);
  const webhooks = new WebhookService(db, jobs);
  const segments = new SegmentService(db, { workspaces, events, webhooks, jobs, intelligence }, readDb);
  const coupons = new CouponService(db, { workspaces, customers, segments });
  const loyalty = new LoyaltyService(db, { workspaces, customers, events, coupons, segments, jobs });
  const ingest = new IngestService(db, { workspaces, customers, accounts, catalog, orders, events, segments, loyalty });
  const messaging = new MessagingService(db, { workspaces, customers, segments, coupons, recommendations, users, recipientVariables }, new DmBatchStore(options.dataDir), new SecretBox(options.dataDir));
  const journeys = new JourneyService(db, { workspaces, customers, events, segments, coupons, loyalty, webhooks, messaging, jobs, intelligence });
  const surveys = new SurveyService(db, { workspaces, customers, events, webhooks, loyalty, messaging, jobs });
  const ugc = new UgcService(db, { customers, loyalty, coupons, surveys, events });
  const media = new MediaService(db);
  const privacy = new PrivacyService(db, { customers, accounts, orders, events, ingest, intelligence, segments, coupons, loyalty, messaging, journeys, surveys, ugc, webhooks });
  return { db, readDb, authenticator, workspaces, accounts, customers, catalog, orders, events, ingest, users, team, recommendations, intelligence, jobs, webhooks, segments, coupons, loyalty, messaging, journeys, surveys, ugc, media, privacy };
}
