import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Per-customer survey links: `<claims>.<mac>`, both base64url, 95 characters (URL path parameters
 * are limited to 100). The claims are 58 bytes (workspace, survey and customer ids, a 6-byte
 * nonce, the expiry in Unix seconds) and the MAC is HMAC-SHA256 under the workspace's survey
 * secret, cut to 12 bytes. Minting needs no database write (a campaign renders thousands of
 * links); "one response per token" is the unique (customer, nonce) of survey_responses.
 */
export interface SurveyLinkClaims {
  workspaceId: string;
  surveyId: string;
  customerId: string;
  nonce: string;
  expiresAt: Date;
}

const CLAIM_BYTES = 58;
const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidText = (b: Buffer) => b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const mac = (secret: string, claims: string) => createHmac('sha256', secret).update(`survey\n${claims}`).digest().subarray(0, 12).toString('base64url');

export function newSurveySecret(): string {
  return randomBytes(32).toString('base64url');
}

export function signSurveyLink(secret: string, c: Omit<SurveyLinkClaims, 'nonce'> & { nonce?: string }): string {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.floor(c.expiresAt.getTime() / 1000));
  const nonce = c.nonce ? Buffer.from(c.nonce, 'hex') : randomBytes(6);
  const claims = Buffer.concat([uuidBytes(c.workspaceId), uuidBytes(c.surveyId), uuidBytes(c.customerId), nonce, expiry]).toString('base64url');
  return `${claims}.${mac(secret, claims)}`;
}

/** The claims, unverified (the workspace names the secret that verifies them); undefined when malformed. */
export function readSurveyLink(token: string): SurveyLinkClaims | undefined {
  const [claims, signature] = token.split('.');
  if (!claims || !signature || token.split('.').length !== 2) return undefined;
  const b = Buffer.from(claims, 'base64url');
  if (b.length !== CLAIM_BYTES || b.toString('base64url') !== claims) return undefined;
  return {
    workspaceId: uuidText(b.subarray(0, 16)),
    surveyId: uuidText(b.subarray(16, 32)),
    customerId: uuidText(b.subarray(32, 48)),
    nonce: b.subarray(48, 54).toString('hex'),
    expiresAt: new Date(b.readUInt32BE(54) * 1000),
  };
}

export function verifySurveyLink(secret: string, token: string): boolean {
  const [claims, given] = token.split('.');
  if (!claims || !given) return false;
  const expected = Buffer.from(mac(secret, claims));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
