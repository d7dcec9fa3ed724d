/** Shapes of /v1/segments (src/modules/segments/routes.ts), from /openapi.json (apiTypes.ts). */
import type { Get, Item, Post } from '../../apiTypes.ts';
import type { Rule } from './rule.ts';

/** Built-in segments have a key (they can be edited, not deleted). The rule is the builder's own type (rule.ts), which edits it. */
export type Segment = Omit<Item<Get<'/v1/segments'>['data']>, 'rule'> & { rule: Rule };
export type Preview = Post<'/v1/segments/preview'>;
export type SampleCustomer = Item<Preview['sample']>;
export type Member = Item<Get<'/v1/segments/{id}/members'>['data']>;
