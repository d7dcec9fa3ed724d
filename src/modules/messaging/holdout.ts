import { createHash } from 'node:crypto';
import type { Arm } from './types.ts';

/** A uniform number in [0, 1) from a string: the first 48 bits of its SHA-256. */
export function unitHash(key: string): number {
  return createHash('sha256').update(key).digest().readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The arm of a customer, decided by hash so that it never changes and needs no stored draw: the
 * workspace-wide global control group first (the same customers for every campaign), then the
 * campaign's own random holdout. Transactional messages are never held out.
 */
export function assignArm(input: {
  workspaceId: string;
  campaignId: string;
  customerId: string;
  holdoutPercent: number;
  globalControlPercent: number;
  transactional: boolean;
}): Arm {
  if (input.transactional) return 'treatment';
  if (unitHash(`global:${input.workspaceId}:${input.customerId}`) * 100 < input.globalControlPercent) return 'global_control';
  if (unitHash(`holdout:${input.campaignId}:${input.customerId}`) * 100 < input.holdoutPercent) return 'holdout';
  return 'treatment';
}
