import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens in tracking and unsubscribe URLs: the workspace and delivery ids (32 bytes) and an
 * HMAC-SHA256 over the purpose, the ids and (for clicks) the target URL. A token cannot be forged,
 * moved to another purpose, or pointed at another URL, so the redirect is not an open redirect.
 */
export type TokenPurpose = 'open' | 'click' | 'unsubscribe';

export interface TokenSubject {
  workspaceId: string;
  deliveryId: string;
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidText = (b: Buffer) => b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

function mac(secret: string, purpose: TokenPurpose, ids: string, url: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${ids}\n${url}`).digest().subarray(0, 16).toString('base64url');
}

export function signToken(secret: string, purpose: TokenPurpose, subject: TokenSubject, url = ''): string {
  const ids = Buffer.concat([uuidBytes(subject.workspaceId), uuidBytes(subject.deliveryId)]).toString('base64url');
  return `${ids}.${mac(secret, purpose, ids, url)}`;
}

/** The ids in a token, unverified (to find the workspace whose secret verifies it); undefined when malformed. */
export function readToken(token: string): TokenSubject | undefined {
  const [ids] = token.split('.');
  const bytes = Buffer.from(ids ?? '', 'base64url');
  if (bytes.length !== 32) return undefined;
  return { workspaceId: uuidText(bytes.subarray(0, 16)), deliveryId: uuidText(bytes.subarray(16)) };
}

export function verifyToken(secret: string, purpose: TokenPurpose, token: string, url = ''): boolean {
  const [ids, given] = token.split('.');
  if (!ids || !given) return false;
  const expected = Buffer.from(mac(secret, purpose, ids, url));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Where each purpose is served (see tracking.ts routes). */
export function trackingUrls(publicBaseUrl: string, secret: string, subject: TokenSubject) {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    base,
    open: `${base}/m/o/${signToken(secret, 'open', subject)}.gif`,
    unsubscribe: `${base}/m/u/${signToken(secret, 'unsubscribe', subject)}`,
    click: (url: string) => `${base}/m/c/${signToken(secret, 'click', subject, url)}?u=${encodeURIComponent(url)}`,
  };
}
