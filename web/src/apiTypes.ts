/**
 * The API's shapes, from the types generated out of /openapi.json (`npm run api-types`, run by
 * `typecheck` and `build`; apiSchema.gen.ts is not committed). A web type is an alias of what the
 * route's zod schema answers, so a server change that the app does not follow fails typecheck.
 */
import type { components, paths } from './apiSchema.gen.ts';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Answer<Op> = Op extends { responses: infer R } ? ('200' extends keyof R ? Json<R['200']> : 200 extends keyof R ? Json<R[200]> : 201 extends keyof R ? Json<R[201]> : never) : never;

/** What GET `P` answers (its 200 JSON body). */
export type Get<P extends keyof paths> = Answer<paths[P]['get']>;
/** What POST `P` answers (its 200 or 201 JSON body). */
export type Post<P extends keyof paths> = Answer<paths[P]['post']>;
/** What PATCH `P` answers. */
export type Patch<P extends keyof paths> = Answer<paths[P]['patch']>;
/** What PUT `P` answers. */
export type Put<P extends keyof paths> = Answer<paths[P]['put']>;
/** A list's item type. */
export type Item<L> = L extends readonly (infer T)[] ? T : never;
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];
