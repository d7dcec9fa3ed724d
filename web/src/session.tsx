import { createContext, useContext, type ReactNode } from 'react';
import type { Scope, SessionInfo } from './types.ts';

interface SessionValue extends SessionInfo {
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The signed-in user and workspace; every page behind sign-in has one. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** admin implies every other scope, as on the server. */
export const hasScope = (scopes: Scope[], scope: Scope | undefined): boolean => !scope || scopes.includes(scope) || scopes.includes('admin');
