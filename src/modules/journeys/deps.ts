import type { CouponService } from '../coupons/service.ts';
import type { CustomerService } from '../customers/service.ts';
import type { EventService } from '../events/service.ts';
import type { IntelligenceService } from '../intelligence/service.ts';
import type { JobService } from '../jobs/service.ts';
import type { LoyaltyService } from '../loyalty/service.ts';
import type { MessagingService } from '../messaging/service.ts';
import type { SegmentService } from '../segments/service.ts';
import type { WebhookService } from '../webhooks/service.ts';
import type { WorkspaceService } from '../workspaces/service.ts';

/** The modules a journey acts through. */
export interface JourneyModules {
  workspaces: WorkspaceService;
  customers: CustomerService;
  events: EventService;
  segments: SegmentService;
  coupons: CouponService;
  loyalty: LoyaltyService;
  webhooks: WebhookService;
  messaging: MessagingService;
  jobs: JobService;
  intelligence: IntelligenceService;
}
