import { z } from 'zod';
import type { Rule } from './rule.ts';

/** The rule is validated by `parseRule` (rule.ts), which names the offending field under `rule.…`. */
export const segmentInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).nullable().optional(),
    rule: z.unknown().describe('a rule in the segment rule language, version 1 (docs/segments.md)'),
  })
  .strict();
export type SegmentInput = z.infer<typeof segmentInput>;

export const segmentPatch = segmentInput.partial().strict();
export type SegmentPatch = z.infer<typeof segmentPatch>;

export interface Segment {
  id: string;
  /** Names a built-in segment ("dormant", "rfm-champions", …); null for a workspace's own. */
  key: string | null;
  name: string;
  description: string | null;
  rule: Rule;
  /** Revision of the rule, 1 at creation, +1 at every change of the rule. */
  version: number;
  memberCount: number;
  /** When membership was last recomputed; null until the first refresh. */
  refreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SampleCustomer {
  id: string;
  externalId: string;
  email: string | null;
  familyName: string | null;
  givenName: string | null;
}

export interface Preview {
  count: number;
  sample: SampleCustomer[];
}

export interface RefreshResult {
  segmentId: string;
  entered: number;
  exited: number;
  members: number;
  ms: number;
}

export interface Member {
  customerId: string;
  externalId: string | null;
  enteredAt: Date;
}

export interface MembershipChange {
  customerId: string;
  change: 'entered' | 'exited';
  at: Date;
  segmentVersion: number;
}

/** Ad platforms normalize phone numbers differently before hashing (see docs/segments.md). */
export const AUDIENCE_FORMATS = ['meta', 'google'] as const;
export type AudienceFormat = (typeof AUDIENCE_FORMATS)[number];
