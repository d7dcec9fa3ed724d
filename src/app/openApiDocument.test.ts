/**
 * The OpenAPI document the web app's types are generated from (scripts/apiTypes.ts): every `$ref`
 * in it names a component it defines. A recursive zod schema (segment conditions, inside journey
 * definitions) was once referenced as `#/components/schemas/schema0` and never defined, which broke
 * /openapi.json for clients and the type generation alike.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApiDocument } from './openApiDocument.ts';

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

test('every $ref of the OpenAPI document resolves to a component it defines', async () => {
  const document = (await openApiDocument()) as { components?: { schemas?: Record<string, unknown> }; paths: Record<string, unknown> };
  const all = refs(document.paths);
  assert.ok(all.includes('#/components/schemas/SegmentCondition'), 'journey definitions refer to segment conditions by name');
  const defined = new Set(Object.keys(document.components?.schemas ?? {}).map((name) => `#/components/schemas/${name}`));
  assert.deepEqual([...new Set(all.filter((ref) => !defined.has(ref)))], []);
});
