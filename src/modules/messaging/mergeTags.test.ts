import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recipientVariables } from '../../app/services.ts';
import { PROJECT_ROOT } from '../../kernel/projectRoot.ts';
import { MERGE_TAGS, mergeTagLiquid, type MergeTag } from '../../lib/glossary.ts';
import { customerScope, type Recipient } from './facts.ts';
import { compileTemplate, type RenderScope } from './render.ts';
import { SAMPLE_SCOPES, SAMPLE_SENDER } from './sampleScopes.ts';

/** The tags of the "Merge tags" table in docs/messaging.md (first column, in backticks). */
function documentedTags(): string[] {
  const doc = readFileSync(path.join(PROJECT_ROOT, 'docs/messaging.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Merge tags'));
  const table = section.split('\n').slice(1).join('\n').trim().split('\n\n')[0]!;
  return table
    .split('\n')
    .slice(2)
    .map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1])
    .filter((tag): tag is string => tag !== undefined);
}

/** A recipient with every value a tag can show, as facts.ts loads one. */
const recipient: Recipient = {
  id: '00000000-0000-7000-8000-0000000000a1',
  externalId: 'C-1',
  email: 'hanako@example.jp',
  phone: null,
  lineUserId: null,
  familyName: '山田',
  givenName: '花子',
  birthday: '1990-04-01',
  postalCode: '1000001',
  prefecture: '東京都',
  city: '千代田区',
  addressLine1: '千代田1-1',
  addressLine2: null,
  timeZone: 'Asia/Tokyo',
  locale: 'ja-JP',
  attributes: { plan: 'gold' },
  erased: false,
  consents: new Map(),
  recentSends: [],
  variables: { survey_links: { nps: 'https://kizuna.example.jp/s/token' }, loyalty: { points: 1200, tier: 'gold' } },
};
const providedNames = [...recipientVariables.keys()];
/** What dispatch gives a template: a full sample scope with this recipient's customer object. */
const scope = (): RenderScope => ({ ...SAMPLE_SCOPES[0]!, customer: customerScope(recipient) });
const concrete = (tag: MergeTag) => (tag === 'recommendations' ? mergeTagLiquid(tag) : `{{ ${tag.replace('<key>', 'plan').replace('<slug>', 'nps')} }}`);

test('the "Merge tags" table in docs/messaging.md lists exactly the glossary merge tags, in order', () => {
  assert.deepEqual(documentedTags(), [...MERGE_TAGS]);
});

test('every documented merge tag renders a value for a recipient who has them all', async () => {
  for (const tag of MERGE_TAGS) {
    const compiled = await compileTemplate({ channel: 'sms', text: `[${concrete(tag)}]` }, SAMPLE_SENDER, false, providedNames);
    const content = await compiled.render(scope());
    assert.equal(content.channel, 'sms');
    const text = content.channel === 'sms' ? content.text : '';
    assert.match(text, /^\[.+\]$/s, `${tag} rendered "${text}"`);
  }
});

test('every variable the render code gives a template (top level, customer.*, each object field) is documented', () => {
  const documented = new Set(documentedTags());
  const isDocumented = (name: string) => documented.has(name) || documented.has(`${name}.<key>`) || documented.has(`${name}.<slug>`);
  // A provided variable is an object of fields; the table names each field.
  const isProvidedDocumented = (name: string) => isDocumented(name) || [...documented].some((tag) => tag.startsWith(`${name}.`));
  const s = scope() as unknown as Record<string, unknown>;
  const missing: string[] = [];
  // Provided variables: documented by their fields, each field the recipient gets named unless the table uses a placeholder (`<slug>`).
  for (const name of providedNames) {
    if (!isProvidedDocumented(name)) missing.push(name);
    const fields = (recipient.variables as Record<string, Record<string, unknown>> | undefined)?.[name] ?? {};
    if (!isDocumented(name)) for (const field of Object.keys(fields)) !isDocumented(`${name}.${field}`) && missing.push(`${name}.${field}`);
  }
  for (const name of Object.keys(s)) {
    const value = s[name];
    const objectFields = name !== 'customer' && value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (objectFields.length > 0) for (const field of objectFields) !isDocumented(`${name}.${field}`) && missing.push(`${name}.${field}`);
    else if (name !== 'customer' && !isDocumented(name)) missing.push(name);
  }
  // Provided variables also sit in customer (customer.survey_links); the table names them at the top level.
  for (const field of Object.keys(customerScope(recipient))) if (!providedNames.includes(field) && !isDocumented(`customer.${field}`)) missing.push(`customer.${field}`);
  assert.deepEqual(missing, []);
  // And the table names nothing the render code lacks.
  for (const tag of documented) {
    const [top, field] = tag.split('.');
    assert.ok(top! in s || providedNames.includes(top!), tag);
    if (top === 'customer' && field !== 'attributes') assert.ok(field! in customerScope(recipient), tag);
  }
});
