/**
 * The glossary: the one definition of the words a marketer meets on every screen, in every CSV
 * export and in the docs — lifecycle stages, RFM segments, channels and message classes — as ids,
 * with their one Japanese and one English label. The owning modules re-export the id lists
 * (intelligence: stages; analytics: RFM segments; customers: consent channels; messaging: message
 * channels and classes); the web app merges the labels into its ja/en dictionaries, and no other
 * dictionary names these things. Pure data: the web build imports this file too.
 */

export const STAGES = ['prospect', 'new', 'active', 'at_risk', 'dormant', 'lost', 'reactivated'] as const;
export type Stage = (typeof STAGES)[number];

/** RFM segments; the ids are the widely used English names, as the API and rules spell them. */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal Customers',
  'Potential Loyalists',
  'New Customers',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose Them",
  'Hibernating',
  'Lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Every channel a message goes out on or a consent is recorded for. */
export const CHANNELS = ['email', 'line', 'sms', 'push', 'dm', 'phone', 'webhook'] as const;
export type GlossaryChannel = (typeof CHANNELS)[number];
/** Channels a campaign or journey sends on. */
export const MESSAGE_CHANNELS = ['email', 'line', 'sms', 'push', 'webhook', 'dm'] as const satisfies readonly GlossaryChannel[];
/** Channels a customer gives or withdraws consent for. */
export const CONSENT_CHANNELS = ['email', 'sms', 'line', 'push', 'dm', 'phone'] as const satisfies readonly GlossaryChannel[];

/** Marketing needs consent and obeys caps and quiet hours; transactional (receipts, password mails) does not. */
export const MESSAGE_CLASSES = ['marketing', 'transactional'] as const;
export type MessageClass = (typeof MESSAGE_CLASSES)[number];

type Labels<Id extends string> = Record<Id, { ja: string; en: string }>;

const STAGE_LABELS: Labels<Stage> = {
  prospect: { ja: '見込み客', en: 'Prospect' },
  new: { ja: '新規', en: 'New' },
  active: { ja: '稼働', en: 'Active' },
  at_risk: { ja: '離反予備軍', en: 'Lapsing' },
  dormant: { ja: '休眠', en: 'Dormant' },
  lost: { ja: '離反', en: 'Churned' },
  reactivated: { ja: '復帰', en: 'Reactivated' },
};

const RFM_LABELS: Labels<RfmSegment> = {
  Champions: { ja: '優良顧客', en: 'Champions' },
  'Loyal Customers': { ja: 'ロイヤル顧客', en: 'Loyal Customers' },
  'Potential Loyalists': { ja: 'ロイヤル候補', en: 'Potential Loyalists' },
  'New Customers': { ja: '新規顧客', en: 'New Customers' },
  Promising: { ja: '有望顧客', en: 'Promising' },
  'Need Attention': { ja: '要注意顧客', en: 'Need Attention' },
  'About to Sleep': { ja: '休眠予備軍', en: 'About to Sleep' },
  'At Risk': { ja: '離反リスク顧客', en: 'At Risk' },
  "Can't Lose Them": { ja: '失いたくない顧客', en: "Can't Lose Them" },
  Hibernating: { ja: '休眠顧客', en: 'Hibernating' },
  Lost: { ja: '離脱顧客', en: 'Lost' },
};

const CHANNEL_LABELS: Labels<GlossaryChannel> = {
  email: { ja: 'メール', en: 'Email' },
  line: { ja: 'LINE', en: 'LINE' },
  sms: { ja: 'SMS', en: 'SMS' },
  push: { ja: 'プッシュ通知', en: 'Push' },
  dm: { ja: '紙のDM', en: 'Paper DM' },
  phone: { ja: '電話', en: 'Phone' },
  webhook: { ja: 'Webhook', en: 'Webhook' },
};

const MESSAGE_CLASS_LABELS: Labels<MessageClass> = {
  marketing: { ja: '販促', en: 'Marketing' },
  transactional: { ja: '取引・通知', en: 'Transactional' },
};

/** The kinds of word the glossary holds, each with its ids and their labels. */
export const GLOSSARY = {
  stage: STAGE_LABELS,
  rfm: RFM_LABELS,
  channel: CHANNEL_LABELS,
  messageClass: MESSAGE_CLASS_LABELS,
} as const;
export type GlossaryKind = keyof typeof GLOSSARY;

export type GlossaryKey =
  | `glossary.stage.${Stage}`
  | `glossary.rfm.${RfmSegment}`
  | `glossary.channel.${GlossaryChannel}`
  | `glossary.messageClass.${MessageClass}`
  | 'glossary.rfmBuiltinSegment';

function dictionary(lang: 'ja' | 'en'): Record<GlossaryKey, string> {
  const entries = Object.entries(GLOSSARY).flatMap(([kind, labels]) => Object.entries(labels).map(([id, label]) => [`glossary.${kind}.${id}`, label[lang]]));
  return { ...Object.fromEntries(entries), 'glossary.rfmBuiltinSegment': 'RFM: {segment}' } as Record<GlossaryKey, string>;
}

/** The glossary's part of the dictionaries (web/src/i18n merges them in). */
export const GLOSSARY_JA = dictionary('ja');
export const GLOSSARY_EN = dictionary('en');

/** A label in one language; an id the glossary does not know (a newer server) is shown as it is. */
export function glossaryLabel(kind: GlossaryKind, id: string, lang: 'ja' | 'en'): string {
  const labels = GLOSSARY[kind] as Record<string, { ja: string; en: string } | undefined>;
  return labels[id]?.[lang] ?? id;
}

/**
 * Built-in RFM segments: their key and the name they are created with. The name is the id, so a
 * screen shows the glossary label while the workspace has not renamed the segment.
 */
export const rfmBuiltinKey = (segment: RfmSegment) => `rfm-${segment.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
export const rfmBuiltinName = (segment: RfmSegment) => `RFM: ${segment}`;
/** The RFM segment a segment name stands for, when it is a built-in's unchanged name. */
export function rfmSegmentOfBuiltinName(name: string): RfmSegment | null {
  return RFM_SEGMENTS.find((s) => rfmBuiltinName(s) === name) ?? null;
}

/**
 * Merge tags: every variable a message template sees (messaging's renderScope.ts and facts.ts
 * customerScope, plus variables other modules provide, such as surveys' survey_links). The table
 * "Merge tags" in docs/messaging.md describes each; src/modules/messaging/mergeTags.test.ts keeps
 * the table, this list and the render code in step. The template editors offer these.
 */
export const MERGE_TAGS = [
  'customer.name',
  'customer.family_name',
  'customer.given_name',
  'customer.email',
  'customer.birthday',
  'customer.prefecture',
  'customer.city',
  'customer.id',
  'customer.external_id',
  'customer.attributes.<key>',
  'coupon.code',
  'recommendations',
  'campaign.id',
  'campaign.name',
  'sender.name',
  'sender.postal_address',
  'unsubscribe_url',
  'footer_lang',
  'survey_links.<slug>',
  'loyalty.points',
  'loyalty.tier',
] as const;
export type MergeTag = (typeof MERGE_TAGS)[number];

/** How a tag is written in a template: a list is looped over, anything else printed. */
export const mergeTagLiquid = (tag: MergeTag): string => (tag === 'recommendations' ? '{% for r in recommendations %}{{ r.name }}{% endfor %}' : `{{ ${tag} }}`);
