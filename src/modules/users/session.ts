import { timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../kernel/errors.ts';
import type { Session, User, UserService } from './service.ts';

export const SESSION_COOKIE = 'kizuna_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * HttpOnly (scripts never see the token), SameSite=Lax (other sites' requests carry no cookie except
 * top-level navigations, which are GETs), Secure when the request came over https, directly or
 * through a proxy that says so (trusting the header can only make the cookie stricter).
 */
export function sessionCookieOptions(request: FastifyRequest, expires?: Date): CookieSerializeOptions {
  const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: https, ...(expires ? { expires } : {}) };
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

/**
 * The session of the request's cookie. A mutating request must also carry the session's CSRF token
 * in `X-CSRF-Token` (another site can make a browser send the cookie, but cannot read the token).
 */
export async function sessionOf(services: { users: Pick<UserService, 'lookupSession'> }, request: FastifyRequest): Promise<{ session: Session; user: User }> {
  const token = sessionToken(request);
  if (!token) throw new AuthError('Sign in, or send an API key as "Authorization: Bearer <key>"');
  const found = await services.users.lookupSession(token);
  checkCsrf(request, found.session);
  return found;
}

export function checkCsrf(request: FastifyRequest, session: Session): void {
  if (!SAFE_METHODS.has(request.method) && !sameToken(request.headers[CSRF_HEADER], session.csrfToken)) {
    throw new AuthError('This request lacks the X-CSRF-Token header of your session; reload the page and try again', 403);
  }
}

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
