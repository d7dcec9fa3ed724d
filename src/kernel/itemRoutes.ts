import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { workspaceOf, type requireScope } from './access.ts';
import type { ZodApp } from './http.ts';

type PreHandler = ReturnType<typeof requireScope>;

/**
 * The read, change and delete routes of one resource of the caller's workspace (`/v1/…/:id`),
 * which every module declares alike: the same params, the view as the 200 response, 204 on delete.
 * Each method registers one route; its pre-handler declares the scope, as every keyed route's does.
 */
export function itemRoutes<Params extends z.ZodType, View extends z.ZodType>(app: ZodApp, url: string, item: { tags: string[]; params: Params; view: View }) {
  const { tags, params, view } = item;
  type Args = z.output<Params>;
  // The type provider cannot resolve a schema that is a type parameter: the routes take it as a
  // plain FastifySchema, and `read` and `change` are what tie the value to the view.
  const schema = (s: FastifySchema) => s;
  return {
    get(preHandler: PreHandler, summary: string, read: (workspaceId: string, params: Args) => Promise<z.input<View>>) {
      app.get(url, { preHandler, schema: schema({ tags, summary, params, response: { 200: view } }) }, async (request) => read(workspaceOf(request), request.params as Args));
    },
    patch<Body extends z.ZodType>(preHandler: PreHandler, summary: string, body: Body, change: (workspaceId: string, params: Args, body: z.output<Body>) => Promise<z.input<View>>) {
      app.patch(url, { preHandler, schema: schema({ tags, summary, params, body, response: { 200: view } }) }, async (request) =>
        change(workspaceOf(request), request.params as Args, request.body as z.output<Body>),
      );
    },
    /** An action on the resource at `url` + `suffix` (`/activate`) that answers with its view. */
    post(suffix: string, preHandler: PreHandler, summary: string, act: (workspaceId: string, params: Args) => Promise<z.input<View>>) {
      app.post(`${url}${suffix}`, { preHandler, schema: schema({ tags, summary, params, response: { 200: view } }) }, async (request) => act(workspaceOf(request), request.params as Args));
    },
    delete(preHandler: PreHandler, summary: string, remove: (workspaceId: string, params: Args) => Promise<unknown>) {
      app.delete(url, { preHandler, schema: schema({ tags, summary, params, response: { 204: z.null() } }) }, async (request, reply) => {
        await remove(workspaceOf(request), request.params as Args);
        return reply.code(204).send(null);
      });
    },
  };
}
