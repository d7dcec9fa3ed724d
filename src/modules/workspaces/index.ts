/** The public face of workspaces: what other modules import (docs/architecture.md, rule "import"). */
export { WorkspaceService, SCOPES, type ApiKeyInfo, type Principal, type Scope, type Workspace, type WorkspaceInput } from './service.ts';
