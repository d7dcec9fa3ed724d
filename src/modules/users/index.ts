/** The public face of users: what other modules import (docs/architecture.md, rule "import"). */
export { UserService, ROLES, type Role, type Session, type User, type UserInput } from './service.ts';
