import type { Rule } from './rule.ts';

export interface Segment {
  id: string;
  /** Built-in segments have a key (they can be edited, not deleted). */
  key: string | null;
  name: string;
  description: string | null;
  rule: Rule;
  version: number;
  memberCount: number;
  refreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
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

export interface Member {
  customerId: string;
  externalId: string | null;
  enteredAt: string;
}
