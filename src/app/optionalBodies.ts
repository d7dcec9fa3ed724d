import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Route bodies a client may leave out: a body schema that accepts `undefined` (`.optional()`,
 * `.default()`) is honoured when the request has no body, and documented as optional.
 */

/** Fastify validates an absent body as `null`, which such a schema refuses; it is read as `undefined` instead. */
export const bodyAbsentAsUndefined: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  return route.httpPart === 'body' ? (data) => validate(data ?? undefined) : validate;
};

// Carries "this body may be left out" from a route's transform to the document's (fastify-swagger
// copies `x-` keys onto the operation), which alone can reach the requestBody it always marks required.
const OPTIONAL_BODY = 'x-optional-body';

const acceptsNoBody = (body: unknown) => body instanceof z.ZodType && body.safeParse(undefined).success;

export const transformRoute: SwaggerTransform = (document) => {
  const transformed = jsonSchemaTransform(document as Parameters<typeof jsonSchemaTransform>[0]);
  if (!acceptsNoBody(document.schema?.body)) return transformed;
  return { ...transformed, schema: { ...transformed.schema, [OPTIONAL_BODY]: true } };
};

type Operation = { [OPTIONAL_BODY]?: true; requestBody?: { required?: boolean } };

export const transformDocument: SwaggerTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input);
  const paths = ('paths' in document ? document.paths : {}) as Record<string, Record<string, Operation>>;
  for (const operation of Object.values(paths).flatMap((operations) => Object.values(operations))) {
    if (!operation[OPTIONAL_BODY]) continue;
    delete operation[OPTIONAL_BODY];
    if (operation.requestBody) operation.requestBody.required = false;
  }
  return document;
};
