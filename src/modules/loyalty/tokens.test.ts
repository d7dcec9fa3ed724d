import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signToken, tokenWorkspace, verifyToken } from './tokens.ts';

const claims = { workspaceId: '019a0000-0000-7000-8000-000000000001', customerId: 'c1', expiresAt: new Date('2026-01-01T01:00:00Z'), purpose: 'storefront' as const };

test('a signed token verifies until it expires', () => {
  const token = signToken(claims, 'secret');
  assert.equal(tokenWorkspace(token), claims.workspaceId);
  assert.deepEqual(verifyToken(token, 'secret', new Date('2026-01-01T00:59:59Z'), 'storefront'), claims);
  assert.throws(() => verifyToken(token, 'secret', new Date('2026-01-01T01:00:00Z'), 'storefront'), /expired/);
});

test('a token signed with another secret, or altered, is refused', () => {
  const token = signToken(claims, 'secret');
  assert.throws(() => verifyToken(token, 'other', new Date('2026-01-01T00:00:00Z'), 'storefront'), /Invalid customer token/);
  const forged = `${Buffer.from(JSON.stringify({ w: claims.workspaceId, c: 'c2', e: 1_900_000_000 })).toString('base64url')}.${token.split('.')[1]}`;
  assert.throws(() => verifyToken(forged, 'secret', new Date('2026-01-01T00:00:00Z'), 'storefront'), /Invalid customer token/);
  assert.throws(() => tokenWorkspace('garbage'), /Invalid customer token/);
});

test('a token made for one purpose is refused for another', () => {
  const ugc = signToken({ ...claims, purpose: 'ugc' }, 'secret');
  assert.equal(verifyToken(ugc, 'secret', new Date('2026-01-01T00:00:00Z'), 'ugc').purpose, 'ugc');
  assert.throws(() => verifyToken(ugc, 'secret', new Date('2026-01-01T00:00:00Z'), 'storefront'), /Invalid customer token/);
  // Tokens from before purposes existed are storefront tokens.
  const old = Buffer.from(JSON.stringify({ w: claims.workspaceId, c: 'c1', e: 1_900_000_000 })).toString('base64url');
  const legacy = `${old}.${createHmac('sha256', 'secret').update(old).digest('base64url')}`;
  assert.equal(verifyToken(legacy, 'secret', new Date('2026-01-01T00:00:00Z'), 'storefront').purpose, 'storefront');
  assert.throws(() => verifyToken(legacy, 'secret', new Date('2026-01-01T00:00:00Z'), 'ugc'), /Invalid customer token/);
});
