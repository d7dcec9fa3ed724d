import { z } from 'zod';
import { SCOPES } from '../../kernel/access.ts';
import { AuthError } from '../../kernel/errors.ts';
import type { ZodApp } from '../../kernel/http.ts';
import type { UserService } from './service.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { ROLE_SCOPES, ROLES, type Session, type User } from './service.ts';
import { TooManyAttemptsError } from './throttle.ts';
import { SESSION_COOKIE, checkCsrf, sessionCookieOptions, sessionOf, sessionToken } from './session.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  users: UserService;
  workspaces: WorkspaceService;
}

const sessionView = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) }),
  workspace: z.object({ id: z.string(), name: z.string(), currency: z.string(), timeZone: z.string(), locale: z.string() }),
  scopes: z.array(z.enum(SCOPES)),
  csrfToken: z.string().describe('send it as X-CSRF-Token on every POST, PATCH and DELETE authenticated by the cookie'),
  expiresAt: z.date(),
});

/** Web app sign-in: a session cookie instead of an API key. */
export async function userRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const view = async (user: User, session: Session): Promise<z.infer<typeof sessionView>> => {
    const w = await services.workspaces.get(user.workspaceId);
    return {
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      workspace: { id: w.id, name: w.name, currency: w.currency, timeZone: w.timeZone, locale: w.locale },
      scopes: ROLE_SCOPES[user.role],
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  };

  app.post(
    '/v1/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Sign in to the web app: sets an HttpOnly session cookie',
        security: [],
        body: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
        description:
          'Failed attempts from a client address, and for an email from that address, make its next attempts wait longer and longer: an attempt inside the wait answers 429 too_many_attempts with Retry-After (seconds). Other clients are not affected.',
        response: { 200: sessionView },
      },
    },
    async (request, reply) => {
      const user = await services.users.authenticate(request.body.email, request.body.password, { ip: request.ip }).catch((err: unknown) => {
        if (err instanceof TooManyAttemptsError) reply.header('Retry-After', String(err.retryAfterSeconds));
        throw err;
      });
      const { token, session } = await services.users.createSession(user);
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(request, session.expiresAt));
      return view(user, session);
    },
  );

  app.get(
    '/v1/session',
    { config: { access: 'session' }, schema: { tags: ['session'], summary: 'The signed-in user, workspace and CSRF token', security: [], response: { 200: sessionView } } },
    async (request) => {
      const { user, session } = await sessionOf(services, request);
      return view(user, session);
    },
  );

  app.delete(
    '/v1/session',
    { config: { access: 'session' }, schema: { tags: ['session'], summary: 'Sign out (needs X-CSRF-Token)', security: [], response: { 204: z.null() } } },
    async (request, reply) => {
      // Signing out without a live session is already done; ending a live one needs the CSRF token.
      const token = sessionToken(request);
      const found = token ? await services.users.lookupSession(token).catch(noSession) : undefined;
      if (found) {
        checkCsrf(request, found.session);
        await services.users.revokeSession(found.session.workspaceId, found.session.id);
      }
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request));
      return reply.code(204).send(null);
    },
  );
}

/** An ended or unknown session reads as none. */
function noSession(err: unknown): undefined {
  if (err instanceof AuthError) return undefined;
  throw err;
}
