import type { Db } from '../../db/database.ts';
import type { AccountService } from '../accounts/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { EventService } from '../events/index.ts';
import type { IntelligenceService } from '../intelligence/index.ts';
import type { JourneyService } from '../journeys/index.ts';
import type { LoyaltyService } from '../loyalty/index.ts';
import type { MessagingService } from '../messaging/index.ts';
import type { OrderService } from '../orders/index.ts';
import type { SegmentService } from '../segments/index.ts';
import type { SurveyService } from '../surveys/index.ts';
import type { UgcService } from '../ugc/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';

/** The demo writes its workspace through these modules' services (the composition root passes them in). */
export interface DemoServices {
  db: Db;
  workspaces: WorkspaceService;
  accounts: AccountService;
  catalog: CatalogService;
  customers: CustomerService;
  orders: OrderService;
  events: EventService;
  intelligence: IntelligenceService;
  loyalty: LoyaltyService;
  messaging: MessagingService;
  segments: SegmentService;
  journeys: JourneyService;
  surveys: SurveyService;
  ugc: UgcService;
}
