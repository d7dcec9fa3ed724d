/** The API's shapes as the web app reads them (dates arrive as ISO strings), from /openapi.json (apiTypes.ts). */
import type { Get, Item, Post } from './apiTypes.ts';

export type SessionInfo = Get<'/v1/session'>;
export type Role = SessionInfo['user']['role'];
export type ApiKeyList = Get<'/v1/api-keys'>;
export type Scope = Item<ApiKeyList['scopes']>;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Customer = Get<'/v1/customers/{id}'>;
export type Consents = Get<'/v1/customers/{id}/consents'>;
export type Consent = Item<Consents['current']>;
export type ConsentChannel = Consent['channel'];
export type Order = Get<'/v1/orders/{id}'>;
export type CustomerExport = Get<'/v1/customers/{id}/export'>;
export type Refund = Item<CustomerExport['refunds']>;
export type CustomerEvent = Item<CustomerExport['events']>;
export type ApiKey = Item<ApiKeyList['data']>;
export type ImportSummary = Post<'/v1/imports/{kind}'>;
export type ImportKind = ImportSummary['kind'];
/** The current scores and the snapshots of earlier runs, newest first. */
export type CustomerScores = Get<'/v1/customers/{id}/scores'>;
export type Recommendations = Get<'/v1/customers/{id}/recommendations'>;
export type CustomerCoupon = Item<Get<'/v1/customers/{id}/coupons'>['data']>;
