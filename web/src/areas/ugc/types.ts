/** API shapes of /v1/ugc (src/modules/ugc/routes.ts), from /openapi.json (apiTypes.ts). */
import type { Get, Item } from '../../apiTypes.ts';

export type UgcCampaign = Item<Get<'/v1/ugc/campaigns'>['data']>;
export type UgcLocale = UgcCampaign['defaultLocale'];
export type UgcTexts = NonNullable<UgcCampaign['texts'][UgcLocale]>;
export type UgcReward = UgcCampaign['reward'];
export type UgcEntry = Item<Get<'/v1/ugc/entries'>['data']>;
export type UgcEntryStatus = UgcEntry['status'];
export type UgcWinner = Item<Get<'/v1/ugc/campaigns/{id}/winners'>['data']>;
