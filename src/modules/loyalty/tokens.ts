import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../../kernel/errors.ts';

/**
 * Customer-scoped storefront tokens: `<payload>.<signature>`, both base64url, where the payload is
 * {"w": workspace id, "c": customer id, "e": expiry in Unix seconds, "p": purpose} and the
 * signature its HMAC-SHA256 under the workspace's secret (loyalty_settings.token_secret). A token
 * lets one purpose act for one customer of one workspace until it expires; nothing else. The
 * purpose keeps a link mailed for a UGC entry from spending points at the storefront.
 */
export const TOKEN_PURPOSES = ['storefront', 'ugc'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export interface TokenClaims {
  workspaceId: string;
  customerId: string;
  expiresAt: Date;
  purpose: TokenPurpose;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function signToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ w: claims.workspaceId, c: claims.customerId, e: Math.floor(claims.expiresAt.getTime() / 1000), p: claims.purpose })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The workspace named inside a token, read before its secret is known; the claims are trusted only after `verifyToken`. */
export function tokenWorkspace(token: string): string {
  return readPayload(token).w;
}

export function verifyToken(token: string, secret: string, now: Date, purpose: TokenPurpose): TokenClaims {
  const [payload, signature] = token.split('.');
  const expected = Buffer.from(sign(payload ?? '', secret));
  const given = Buffer.from(signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AuthError('Invalid customer token');
  const claims = readPayload(token);
  if (claims.p !== purpose) throw new AuthError('Invalid customer token');
  if (claims.e * 1000 <= now.getTime()) throw new AuthError('The customer token has expired');
  return { workspaceId: claims.w, customerId: claims.c, expiresAt: new Date(claims.e * 1000), purpose: claims.p };
}

function readPayload(token: string): { w: string; c: string; e: number; p: TokenPurpose } {
  try {
    const value = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { w?: unknown; c?: unknown; e?: unknown; p?: unknown };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    // Tokens issued before purposes existed were storefront tokens.
    const p = value.p ?? 'storefront';
    const known = (TOKEN_PURPOSES as readonly unknown[]).includes(p);
    if (typeof value.w === 'string' && uuid.test(value.w) && typeof value.c === 'string' && typeof value.e === 'number' && known) return { w: value.w, c: value.c, e: value.e, p: p as TokenPurpose };
  } catch {
    // fall through: not a token of ours
  }
  throw new AuthError('Invalid customer token');
}
