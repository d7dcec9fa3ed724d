import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../kernel/errors.ts';
import type { Authenticator, KeyPrincipal, UserPrincipal } from '../../kernel/access.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { ROLE_SCOPES, type UserService } from './service.ts';
import { sessionOf } from './session.ts';

/** API keys through the workspaces service; without an Authorization header, the session cookie. */
export class RequestAuthenticator implements Authenticator {
  constructor(private readonly deps: { workspaces: Pick<WorkspaceService, 'authenticate'>; users: Pick<UserService, 'lookupSession'> }) {}

  principalOf(request: FastifyRequest): Promise<KeyPrincipal | UserPrincipal> {
    return request.headers.authorization === undefined ? this.userPrincipal(request) : this.keyPrincipal(request);
  }

  private async keyPrincipal(request: FastifyRequest): Promise<KeyPrincipal> {
    const key = readKey(request.headers.authorization);
    if (!key) throw new AuthError('Send an API key as "Authorization: Bearer <key>"');
    return this.deps.workspaces.authenticate(key);
  }

  private async userPrincipal(request: FastifyRequest): Promise<UserPrincipal> {
    const { user, session } = await sessionOf(this.deps, request);
    return { workspaceId: user.workspaceId, userId: user.id, sessionId: session.id, role: user.role, scopes: ROLE_SCOPES[user.role] };
  }
}

function readKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [kind, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (kind?.toLowerCase() === 'bearer') return value.trim();
  if (kind?.toLowerCase() === 'basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  return undefined;
}
