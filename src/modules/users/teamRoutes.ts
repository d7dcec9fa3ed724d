import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { itemRoutes } from '../../kernel/itemRoutes.ts';
import type { TeamService } from './team.ts';
import type { UserService } from './service.ts';
import { ROLES } from './service.ts';
import { SESSION_COOKIE, sessionCookieOptions } from './session.ts';

/** The services these handlers use (the composition root passes them in). */
interface Uses {
  authenticator: Authenticator;
  team: TeamService;
  users: UserService;
}

const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  createdAt: z.date(),
  lastLoginAt: z.date().nullable(),
});
const invitationView = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES), createdAt: z.date(), expiresAt: z.date() });
const idParams = z.object({ id: z.uuid() });
const tokenParams = z.object({ token: z.string().min(20).max(200) });
const pick = <T extends z.infer<typeof userView>>(u: T) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt });

/**
 * Users and roles for admins, and the public side of an invitation link (the token is the
 * credential, as a password-reset link's is).
 */
export async function teamRoutes(app: ZodApp, services: Uses): Promise<void> {
  const { team } = services;
  const admin = requireScope(services, 'admin');
  const tags = ['users'];

  app.get(
    '/v1/users',
    { preHandler: admin, schema: { tags, summary: 'People who sign in to the web app, and open invitations', response: { 200: z.object({ data: z.array(userView), invitations: z.array(invitationView) }) } } },
    async (request) => {
      const { users, invitations } = await team.list(workspaceOf(request));
      return { data: users.map(pick), invitations };
    },
  );

  app.post(
    '/v1/users/invitations',
    {
      preHandler: admin,
      schema: {
        tags,
        summary: 'Invite someone by email with a role: the link (valid 7 days) is in this response only; inviting the address again replaces it',
        body: z.record(z.string(), z.unknown()),
        response: { 201: z.object({ invitation: invitationView, token: z.string(), path: z.string().describe('the invitation page on this server: /invite/<token>') }) },
      },
    },
    async (request, reply) => {
      const invitedBy = request.principal && 'userId' in request.principal ? request.principal.userId : null;
      const { invitation, token } = await team.invite(workspaceOf(request), request.body as never, invitedBy);
      return reply.code(201).send({ invitation, token, path: `/invite/${token}` });
    },
  );

  const invitation = itemRoutes(app, '/v1/users/invitations/:id', { tags, params: idParams, view: invitationView });
  invitation.delete(admin, 'Withdraw an open invitation', (ws, { id }) => team.revokeInvitation(ws, id));

  const member = itemRoutes(app, '/v1/users/:id', { tags, params: idParams, view: userView });
  member.patch(admin, "Change a user's role (409 last_admin for the workspace's only admin)", z.object({ role: z.string() }), async (ws, { id }, body) =>
    pick(await team.setRole(ws, id, body.role as never)),
  );
  member.delete(admin, 'Remove a user and end their sessions (409 last_admin for the only admin)', (ws, { id }) => team.remove(ws, id));

  app.get(
    '/v1/invitations/:token',
    {
      // The invitation's secret token is the authority; the person has no account yet.
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The invitation behind a link: who is invited, to which workspace, with which role (404 invitation_invalid once used, withdrawn or expired)',
        security: [],
        params: tokenParams,
        response: { 200: z.object({ email: z.string(), name: z.string().nullable(), role: z.enum(ROLES), workspaceName: z.string(), expiresAt: z.date() }) },
      },
    },
    async (request) => {
      const i = await team.invitation(request.params.token);
      return { email: i.email, name: i.name, role: i.role, workspaceName: i.workspaceName, expiresAt: i.expiresAt };
    },
  );

  app.post(
    '/v1/invitations/:token/accept',
    {
      // The invitation's secret token is the authority; the person has no account yet.
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation: creates the user with the chosen password and signs them in (sets the session cookie)',
        security: [],
        params: tokenParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ email: z.string() }) },
      },
    },
    async (request, reply) => {
      const user = await team.accept(request.params.token, request.body as never);
      const { token, session } = await services.users.createSession(user);
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(request, session.expiresAt));
      return { email: user.email };
    },
  );
}
