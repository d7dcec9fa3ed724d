import type { preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { ZodApp } from '../../kernel/http.ts';
import { STARTERS } from './starters/index.ts';

const text = z.object({ ja: z.string(), en: z.string() });
const template = z.record(z.string(), z.unknown());
const channels = z.object({ email: template, line: template.optional(), sms: template.optional(), push: template.optional() });
const starterView = z.object({
  key: z.string(),
  name: text,
  description: text,
  uses: z.array(z.string()).describe('facts it prints when they exist: coupon (attach a coupon campaign), recommendations, survey_links.nps'),
  templates: z.object({ ja: channels, en: channels }),
});

/** The template library (starters/): the same for every workspace, readable by anyone who may read campaigns. */
export function starterRoutes(app: ZodApp, allowed: preHandlerHookHandler): void {
  app.get(
    '/v1/messaging/starters',
    {
      preHandler: allowed,
      schema: { tags: ['messaging'], summary: 'Starter templates for the usual customer moments, in ja and en, per channel (email, and LINE, SMS or push where they suit)', response: { 200: z.object({ data: z.array(starterView) }) } },
    },
    async () => ({ data: [...STARTERS] }),
  );
}
