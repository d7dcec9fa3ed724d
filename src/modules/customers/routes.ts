import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { ConflictError } from '../../kernel/errors.ts';
import { oneOrMany } from '../../kernel/oneOrMany.ts';
import { instant, page, pageQuery } from '../../kernel/listQuery.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { CustomerService } from './service.ts';
import type { Db, Queryable } from '../../db/database.ts';
import type { UpsertResult } from '../../db/upsert.ts';
import { idempotency } from '../../kernel/idempotency.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { Customer, CustomerInput } from './types.ts';
import { CONSENT_CHANNELS, consentInput, customerInput } from './types.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  customers: CustomerService;
  db: Db;
  /** The identify-and-merge flow (src/flows/identifyAndMerge.ts): it also moves a merged visitor's events and orders. */
  identify: { run(ws: string, inputs: CustomerInput[], tx: Queryable): Promise<UpsertResult> };
  workspaces: WorkspaceService;
}

const text = z.string().nullable();
const json = z.record(z.string(), z.unknown());

export const customerView = z.object({
  id: z.string(),
  externalId: text,
  email: text,
  phone: text,
  lineUserId: text,
  familyName: text,
  givenName: text,
  familyNameKana: text,
  givenNameKana: text,
  birthday: text,
  postalCode: text,
  prefecture: text,
  city: text,
  addressLine1: text,
  addressLine2: text,
  country: text,
  locale: text,
  timeZone: text,
  accountId: text,
  attributes: json,
  erasedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const consentView = z.object({
  channel: z.enum(CONSENT_CHANNELS),
  status: z.enum(['opted_in', 'opted_out']),
  source: z.string(),
  recordedAt: z.date(),
});
const consentsView = z.object({
  current: z.array(consentView).describe('the latest record per channel: what sending obeys'),
  history: z.array(consentView),
});

const upsertResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  ids: z.record(z.string(), z.string()).describe('our id for each externalId'),
});

export const idParams = z.object({ id: z.string().min(1).max(255).describe('our id or your external id') });

export async function customerRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { customers } = services;
  const read = requireScope(services, 'read');
  const ingest = requireScope(services, 'ingest');
  const idem = idempotency(services.workspaces.idempotencyKeys);

  /** Writing to an erased person would recreate what was erased. */
  const notErased = (customer: Customer): Customer => {
    if (customer.erasedAt) throw new ConflictError(`customer ${customer.id} was erased`);
    return customer;
  };

  app.get(
    '/v1/customers',
    {
      preHandler: read,
      schema: {
        tags: ['customers'],
        summary: 'List customers (erased ones excluded), oldest first',
        querystring: pageQuery.extend({
          email: z.string().trim().min(1).max(320).optional(),
          search: z.string().trim().min(1).max(200).optional().describe('part of the name, kana, email or external id'),
          accountId: z.uuid().optional(),
          updatedSince: instant().optional(),
        }),
        response: { 200: page(customerView) },
      },
    },
    async (request) => customers.list(workspaceOf(request), request.query),
  );

  app.get(
    '/v1/customers/:id',
    { preHandler: read, schema: { tags: ['customers'], summary: 'One customer', params: idParams, response: { 200: customerView } } },
    async (request) => customers.find(workspaceOf(request), request.params.id),
  );

  app.post(
    '/v1/customers',
    {
      preHandler: [ingest, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags: ['customers'],
        summary: 'Create or update customers by externalId; absent fields keep their value, null clears; a batch is all-or-nothing',
        body: oneOrMany('customers', customerInput),
        response: { 200: upsertResult },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const result = await services.db.tx((tx) => services.identify.run(ws, request.body, tx));
      return { created: result.created, updated: result.updated, ids: Object.fromEntries(result.ids) };
    },
  );

  app.patch(
    '/v1/customers/:id',
    {
      preHandler: ingest,
      schema: {
        tags: ['customers'],
        summary: 'Update some fields of a customer',
        params: idParams,
        body: customerInput.omit({ externalId: true }),
        response: { 200: customerView },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      return services.db.tx(async (tx) => {
        const { externalId, id } = notErased(await customers.find(ws, request.params.id, tx));
        // Customers are written by external id; an anonymous visitor gets one through POST with its anonymousId.
        if (!externalId) throw new ConflictError(`customer ${id} is an anonymous visitor: identify it with POST /v1/customers and anonymousId`);
        await services.identify.run(ws, [{ ...request.body, externalId }], tx);
        return customers.get(ws, id, tx);
      });
    },
  );

  app.get(
    '/v1/customers/:id/consents',
    { preHandler: read, schema: { tags: ['customers'], summary: 'Consent per channel and its full history', params: idParams, response: { 200: consentsView } } },
    async (request) => {
      const ws = workspaceOf(request);
      const { id } = await customers.find(ws, request.params.id);
      return { current: await customers.consentState(ws, id), history: await customers.consentHistory(ws, id) };
    },
  );

  app.post(
    '/v1/customers/:id/consents',
    {
      preHandler: [ingest, idem.preHandler],
      onSend: idem.onSend,
      schema: {
        tags: ['customers'],
        summary: 'Record consents (opt-in or opt-out); the history is kept, identical records once',
        params: idParams,
        body: oneOrMany('consents', consentInput),
        response: { 200: consentsView },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      return services.db.tx(async (tx) => {
        const { id } = notErased(await customers.find(ws, request.params.id, tx));
        await customers.insertConsents(ws, request.body.map((c) => ({ ...c, customerId: id })), tx);
        return { current: await customers.consentState(ws, id, tx), history: await customers.consentHistory(ws, id, tx) };
      });
    },
  );
}
