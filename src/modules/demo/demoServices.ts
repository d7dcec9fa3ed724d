import type { Db } from '../../db/database.ts';
import type { AccountService } from '../accounts/service.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { CustomerService } from '../customers/service.ts';
import type { EventService } from '../events/service.ts';
import type { IntelligenceService } from '../intelligence/service.ts';
import type { JourneyService } from '../journeys/service.ts';
import type { LoyaltyService } from '../loyalty/service.ts';
import type { MessagingService } from '../messaging/service.ts';
import type { OrderService } from '../orders/service.ts';
import type { SegmentService } from '../segments/service.ts';
import type { SurveyService } from '../surveys/service.ts';
import type { UgcService } from '../ugc/service.ts';
import type { WorkspaceService } from '../workspaces/service.ts';

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
