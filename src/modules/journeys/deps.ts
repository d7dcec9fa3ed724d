import type { CouponService } from '../coupons/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { EventService } from '../events/index.ts';
import type { IntelligenceService } from '../intelligence/index.ts';
import type { JobService } from '../jobs/index.ts';
import type { LoyaltyService } from '../loyalty/index.ts';
import type { MessagingService } from '../messaging/index.ts';
import type { SegmentService } from '../segments/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';

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
