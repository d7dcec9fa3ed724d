import type { Db } from '../db/database.ts';
import { AccountService } from '../modules/accounts/index.ts';
import { CatalogService } from '../modules/catalog/index.ts';
import { CouponService } from '../modules/coupons/index.ts';
import { CustomerService } from '../modules/customers/index.ts';
import { EventService } from '../modules/events/index.ts';
import { IngestService } from '../modules/ingest/index.ts';
import { IntelligenceService } from '../modules/intelligence/index.ts';
import { LoyaltyService } from '../modules/loyalty/index.ts';
import { MessagingService } from '../modules/messaging/index.ts';
import { DmBatchStore } from '../modules/messaging/dmBatches.ts';
import { SecretBox } from '../kernel/secretBox.ts';
import { JobService } from '../modules/jobs/index.ts';
import { OrderService } from '../modules/orders/index.ts';
import { PrivacyFlows } from '../flows/privacy.ts';
import { IdentifyFlow } from '../flows/identifyAndMerge.ts';
import { IngestBatchFlow } from '../flows/ingestBatch.ts';
import { RecommendationService } from '../modules/recommendations/index.ts';
import { SegmentService } from '../modules/segments/index.ts';
import { UserService } from '../modules/users/index.ts';
import { RequestAuthenticator } from '../modules/users/authenticator.ts';
import type { Authenticator } from '../kernel/access.ts';
import { TeamService } from '../modules/users/team.ts';
import { WebhookService } from '../modules/webhooks/index.ts';
import { WorkspaceService } from '../modules/workspaces/index.ts';
import { JourneyService } from '../modules/journeys/index.ts';
import { SurveyService } from '../modules/surveys/index.ts';
import { surveyLinkVariables } from '../modules/surveys/linkVariables.ts';
import type { RecipientVariableLoader, RecipientVariableProviders } from '../modules/messaging/index.ts';
import { UgcService } from '../modules/ugc/index.ts';
import { MediaService } from '../modules/media/index.ts';

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
  /** Flows across modules (src/flows): identify-and-merge, a Segment batch's write, APPI/GDPR export and erasure. */
  /** Images uploaded for email templates (the visual editor). */
  media: MediaService;
  identify: IdentifyFlow;
  ingestBatch: IngestBatchFlow;
  privacy: PrivacyFlows;
}

/** Template variables other modules provide per recipient (`{{ survey_links.nps }}`, `{{ loyalty.points }}`). */
export const PROVIDED_VARIABLES = ['survey_links', 'loyalty'] as const;

/** Their loaders, handed to messaging here (not registered on import). */
export function recipientVariablesOf(loyalty: LoyaltyService): RecipientVariableProviders {
  const loaders: Record<(typeof PROVIDED_VARIABLES)[number], RecipientVariableLoader> = {
    survey_links: surveyLinkVariables,
    loyalty: loyalty.recipientVariables,
  };
  return new Map(Object.entries(loaders));
}

export interface ServiceOptions {
  /** Where the server keeps files it writes (paper DM batches); without it, a temporary directory of this process. */
  dataDir?: string;
  /** A pool on the read replica: KPIs, the at-risk export, segment previews and audience exports read there. */
  readDb?: Db;
  /** Statement timeout of segment queries (config's segmentTimeoutMs); default SegmentService's. */
  segmentTimeoutMs?: number;
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
  const segments = new SegmentService(db, { workspaces, events, webhooks, jobs, intelligence }, readDb, { statementTimeoutMs: options.segmentTimeoutMs });
  const coupons = new CouponService(db, { workspaces, customers, segments });
  const loyalty = new LoyaltyService(db, { workspaces, customers, events, coupons, segments, jobs });
  const identify = new IdentifyFlow({ customers, events, orders });
  const ingestBatch = new IngestBatchFlow({ accounts, customers, catalog, orders, events, identify });
  const ingest = new IngestService(db, { workspaces, events, segments, loyalty, batch: ingestBatch });
  const messaging = new MessagingService(db, { workspaces, customers, segments, coupons, recommendations, users, recipientVariables: recipientVariablesOf(loyalty) }, new DmBatchStore(options.dataDir), new SecretBox(options.dataDir));
  const journeys = new JourneyService(db, { workspaces, customers, events, segments, coupons, loyalty, webhooks, messaging, jobs, intelligence });
  const surveys = new SurveyService(db, { workspaces, customers, events, webhooks, loyalty, messaging, jobs });
  const ugc = new UgcService(db, { customers, loyalty, coupons, surveys, events });
  const media = new MediaService(db);
  const privacy = new PrivacyFlows(db, { customers, accounts, orders, events, ingest, intelligence, segments, coupons, loyalty, messaging, journeys, surveys, ugc, webhooks });
  return { db, readDb, authenticator, workspaces, accounts, customers, catalog, orders, events, ingest, users, team, recommendations, intelligence, jobs, webhooks, segments, coupons, loyalty, messaging, journeys, surveys, ugc, media, identify, ingestBatch, privacy };
}
