import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CONSENT_CHANNELS as CUSTOMER_CONSENT_CHANNELS } from '../modules/customers/types.ts';
import { STAGES as INTELLIGENCE_STAGES } from '../modules/intelligence/stages.ts';
import { CHANNELS as MESSAGING_CHANNELS, MESSAGE_CLASSES as MESSAGING_CLASSES } from '../modules/messaging/types.ts';
import { RFM_SEGMENTS as MODEL_RFM_SEGMENTS } from '../analytics/models/rfm.ts';
import { PROJECT_ROOT } from '../kernel/projectRoot.ts';
import { CHANNELS, CONSENT_CHANNELS, GLOSSARY, GLOSSARY_EN, GLOSSARY_JA, MESSAGE_CHANNELS, MESSAGE_CLASSES, RFM_SEGMENTS, STAGES, glossaryLabel, rfmBuiltinName, rfmSegmentOfBuiltinName } from './glossary.ts';

const IDS = { stage: STAGES, rfm: RFM_SEGMENTS, channel: CHANNELS, messageClass: MESSAGE_CLASSES };

test('every glossary id has a non-empty Japanese and English label, and no label is there without an id', () => {
  for (const [kind, ids] of Object.entries(IDS) as [keyof typeof GLOSSARY, readonly string[]][]) {
    assert.deepEqual(Object.keys(GLOSSARY[kind]).sort(), [...ids].sort(), kind);
    for (const id of ids) {
      for (const dictionary of [GLOSSARY_JA, GLOSSARY_EN]) {
        const label = (dictionary as Record<string, string>)[`glossary.${kind}.${id}`];
        assert.ok(label && label.trim() === label && label.length > 0, `${kind}.${id}`);
      }
    }
  }
});

test('no two ids share a label, in either language (case and spacing aside), across all kinds', () => {
  for (const [lang, dictionary] of [['ja', GLOSSARY_JA], ['en', GLOSSARY_EN]] as const) {
    const seen = new Map<string, string>();
    for (const [key, label] of Object.entries(dictionary)) {
      if (key === 'glossary.rfmBuiltinSegment') continue;
      const norm = label.toLowerCase().replace(/[\s・-]/g, '');
      assert.equal(seen.get(norm), undefined, `${lang}: "${label}" names both ${seen.get(norm)} and ${key}`);
      seen.set(norm, key);
    }
  }
});

test('the owning modules use the glossary ids, not lists of their own', () => {
  assert.equal(INTELLIGENCE_STAGES, STAGES);
  assert.equal(MODEL_RFM_SEGMENTS, RFM_SEGMENTS);
  assert.equal(CUSTOMER_CONSENT_CHANNELS, CONSENT_CHANNELS);
  assert.equal(MESSAGING_CHANNELS, MESSAGE_CHANNELS);
  assert.equal(MESSAGING_CLASSES, MESSAGE_CLASSES);
});

test('labels by id; an unknown id is shown as it is; built-in RFM names map back to their segment', () => {
  assert.equal(glossaryLabel('rfm', 'Champions', 'ja'), '優良顧客');
  assert.equal(glossaryLabel('stage', 'at_risk', 'en'), 'Lapsing');
  assert.equal(glossaryLabel('rfm', 'Someday Segment', 'ja'), 'Someday Segment');
  for (const s of RFM_SEGMENTS) assert.equal(rfmSegmentOfBuiltinName(rfmBuiltinName(s)), s);
  assert.equal(rfmSegmentOfBuiltinName('RFM: Champions (renamed)'), null);
});

test('docs/glossary.md has one table per kind that matches the code, id by id', () => {
  const doc = readFileSync(path.join(PROJECT_ROOT, 'docs/glossary.md'), 'utf8');
  for (const [kind, labels] of Object.entries(GLOSSARY)) {
    const start = doc.indexOf(`(\`${kind}\`)`);
    assert.ok(start > 0, `a table for ${kind}`);
    const rows = doc.slice(start).split('\n\n')[1]!.split('\n').slice(2);
    const documented = rows.map((row) => /^\| `([^`]+)` \| (.+) \| (.+) \|$/.exec(row)!.slice(1));
    assert.deepEqual(documented, Object.entries(labels).map(([id, l]) => [id, l.ja, l.en]), kind);
  }
});
