import { NotFoundError } from '../../kernel/errors.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { UserService } from './service.ts';
import { DEMO_WORKSPACE } from '../demo/index.ts';
import { generatePassword } from './password.ts';

export const DEMO_USER_EMAIL = 'demo@kizuna.local';

/**
 * For `kizuna start`, after the demo workspace exists: an admin who can sign in to the web app. Only
 * a hash is stored, so, like the demo API key, the password is new on every start and printed;
 * sessions already open stay open.
 */
export async function ensureDemoUser(services: { users: UserService; workspaces: WorkspaceService }): Promise<string[]> {
  const workspace = (await services.workspaces.list()).find((w) => w.name === DEMO_WORKSPACE.name);
  if (!workspace) throw new NotFoundError('the demo workspace does not exist yet');
  const password = generatePassword();
  const existing = await services.users.findByEmail(DEMO_USER_EMAIL);
  if (existing) await services.users.setPassword(existing.workspaceId, existing.id, password);
  else await services.users.create(workspace.id, { email: DEMO_USER_EMAIL, name: 'Demo', role: 'admin', password });
  return [`Demo sign-in for the web app: ${DEMO_USER_EMAIL}  password: ${password}  (new on every start)`];
}
