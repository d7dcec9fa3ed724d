import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { itemRoutes } from '../../kernel/itemRoutes.ts';
import type { JourneyService } from './service.ts';
import { STEP_TYPES, TRIGGER_TYPES } from './definition.ts';
import { definitionSchema, triggerSchema } from './definition.ts';
import { JOURNEY_STATUSES, journeyInput, journeyPatch, RUN_STATES } from './types.ts';
import { liftReportView, messageRevenueView, performanceView } from '../messaging/index.ts';
import { instant } from '../../kernel/listQuery.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  journeys: JourneyService;
}

const count = z.number().int();
const when = z.date().nullable();
const arm = z.enum(['treatment', 'holdout', 'global_control']);

const countsView = { entrants: count, active: count, converted: count, completed: count, exited: count };

const journeyView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(JOURNEY_STATUSES),
  version: count.describe('the version new entrants get'),
  templateKey: z.string().nullable(),
  trigger: triggerSchema,
  activatedAt: when,
  createdAt: z.date(),
  updatedAt: z.date(),
  counts: z.object(countsView),
});

const issueView = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });

const journeyDetailView = journeyView.extend({
  definition: definitionSchema,
  versions: z.array(z.object({ version: count, createdAt: z.date(), publishedAt: when, runs: count })),
  issues: z.array(issueView).describe('what must be fixed before the journey can be activated'),
});

const liftView = liftReportView.nullable();

const statsView = z.object({
  journeyId: z.string(),
  ...countsView,
  arms: z.record(arm, z.object({ entrants: count, conversions: count })),
  perStep: z.array(
    z.object({
      stepId: z.string(),
      type: z.enum(STEP_TYPES),
      waiting: count,
      passed: count,
      failed: count,
      paths: z.record(z.string(), count).optional(),
    }),
  ),
  lift: z.object({ vsHoldout: liftView, vsGlobalControl: liftView, goal: definitionSchema.shape.goal }),
});

const runView = z.object({
  runId: z.string(),
  journeyId: z.string(),
  journeyName: z.string(),
  version: count,
  arm,
  state: z.enum(RUN_STATES),
  stepId: z.string().nullable(),
  enteredAt: z.date(),
  dueAt: when,
  convertedAt: when,
  exitedAt: when,
  exitReason: z.string().nullable(),
  steps: z.array(z.object({ stepId: z.string(), type: z.string(), outcome: z.string(), path: z.string().nullable(), at: z.date() })),
});

const templateView = z.object({
  key: z.string(),
  name: z.object({ en: z.string(), ja: z.string() }),
  description: z.object({ en: z.string(), ja: z.string() }),
  trigger: z.enum(TRIGGER_TYPES).describe('the trigger type'),
  needs: z.array(z.string()).describe('what enabling creates or looks up (a coupon campaign, a built-in segment)'),
});

const idParams = z.object({ id: z.string().min(1).max(100) });

export async function journeysRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { journeys } = services;
  const read = requireScope(services, 'read');
  // Journeys reach customers: building, starting and entering one by hand take the messaging scope,
  // never the ingest keys that sit in browsers (tracked events still trigger journeys by their rules).
  const messaging = requireScope(services, 'messaging');
  const tags = ['journeys'];

  app.get(
    '/v1/journeys',
    { preHandler: read, schema: { tags, summary: 'Journeys, newest first, with their status, live version and run counts', response: { 200: z.object({ data: z.array(journeyView) }) } } },
    async (request) => ({ data: await journeys.list(workspaceOf(request)) }),
  );

  app.post(
    '/v1/journeys',
    { preHandler: messaging, schema: { tags, summary: 'Create a draft journey', body: journeyInput, response: { 200: journeyDetailView } } },
    async (request) => journeys.create(workspaceOf(request), request.body),
  );

  app.post(
    '/v1/journeys/validate',
    {
      preHandler: read,
      schema: {
        tags,
        summary: 'Check a definition without saving it: every issue names the field and the step',
        body: z.object({ definition: z.unknown() }),
        response: { 200: z.object({ valid: z.boolean(), issues: z.array(issueView) }) },
      },
    },
    async (request) => journeys.validate(workspaceOf(request), request.body.definition),
  );

  const journey = itemRoutes(app, '/v1/journeys/:id', { tags, params: idParams, view: journeyDetailView });
  journey.get(read, 'One journey with its current definition and its versions', (ws, { id }) => journeys.get(ws, id));
  journey.patch(messaging, 'Rename or change the definition. A version that took entrants is never changed: the edit becomes a new version for new entrants, and running customers finish on theirs', journeyPatch, (ws, { id }, body) => journeys.update(ws, id, body));
  journey.post('/activate', messaging, 'Start taking entrants (the definition must be valid)', (ws, { id }) => journeys.activate(ws, id));
  journey.post('/pause', messaging, 'Stop taking entrants and hold running customers where they are until activated again', (ws, { id }) => journeys.pause(ws, id));

  app.post(
    '/v1/journeys/:id/enter',
    {
      preHandler: messaging,
      schema: {
        tags,
        summary: 'Enter one customer (the API trigger); entry rules and the one-live-run rule apply',
        params: idParams,
        body: z.object({
          customer: z.string().min(1).max(200).describe('customer id or external id'),
          idempotencyKey: z.string().min(1).max(200).optional().describe('the same key enters at most once'),
        }),
        response: { 200: z.object({ entered: z.boolean(), runId: z.string().nullable(), arm: arm.nullable(), reason: z.enum(['entered', 'entry_rule', 'already_in_journey']) }) },
      },
    },
    async (request) => journeys.enter(workspaceOf(request), request.params.id, request.body.customer, { idempotencyKey: request.body.idempotencyKey }),
  );

  const journeyStats = itemRoutes(app, '/v1/journeys/:id/stats', { tags, params: idParams, view: statsView });
  journeyStats.get(read, 'Entrants, conversions, per-step counts and lift with confidence intervals', (ws, { id }) => journeys.stats(ws, id));

  app.get(
    '/v1/journeys/:id/performance',
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Its messages' engagement and last-touch revenue; incremental revenue of treated runs against held-out runs, with 95 % intervals",
        params: idParams,
        response: { 200: performanceView.extend({ journeyId: z.string() }) },
      },
    },
    async (request) => journeys.performance(workspaceOf(request), request.params.id),
  );

  app.get(
    '/v1/insights/message-revenue',
    {
      preHandler: read,
      schema: {
        tags: [...tags, 'insights'],
        summary: 'Revenue from campaigns and journeys in [from, to): attributed by last touch, and incremental against control groups with a 95 % interval',
        querystring: z.object({ from: instant(), to: instant() }),
        response: { 200: messageRevenueView },
      },
    },
    async (request) => journeys.messageRevenue(workspaceOf(request), request.query.from, request.query.to),
  );

  app.get(
    '/v1/journey-templates',
    { preHandler: read, schema: { tags, summary: 'Ready-made journeys a workspace can switch on', response: { 200: z.object({ data: z.array(templateView) }) } } },
    async () => ({ data: journeys.templates() }),
  );

  app.post(
    '/v1/journey-templates/:key/enable',
    {
      preHandler: messaging,
      schema: { tags, summary: 'Create a draft journey from a template (edit it, then activate)', params: z.object({ key: z.string().min(1).max(100) }), response: { 200: journeyDetailView } },
    },
    async (request) => journeys.enableTemplate(workspaceOf(request), request.params.key),
  );

  app.get(
    '/v1/customers/:id/journeys',
    { preHandler: read, schema: { tags, summary: "A customer's journey runs, newest first, with the steps each executed", params: idParams, response: { 200: z.object({ data: z.array(runView) }) } } },
    async (request) => ({ data: await journeys.runsOf(workspaceOf(request), request.params.id) }),
  );
}
