import type { Services } from '../../app/services.ts';
import type { Job } from '../jobs/service.ts';

export const UGC_JOB_HANDLERS: Record<string, (services: Services, job: Job) => Promise<unknown>> = {};

export async function enqueueUgcWork(_services: Services, _now = new Date()): Promise<number> {
  return 0;
}
