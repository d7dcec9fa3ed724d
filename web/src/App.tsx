import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { ErrorNotice, Loading } from './components/Feedback.tsx';
import { PageHeader, Shell } from './components/Shell.tsx';
import { useI18n } from './i18n/index.tsx';
import { HOME, NAV } from './nav.ts';
import { PAGES } from './pages.tsx';
import { AcceptInvite } from './pages/AcceptInvite.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import { SessionProvider } from './session.tsx';
import type { SessionInfo } from './types.ts';

type State = { kind: 'loading' } | { kind: 'failed'; error: unknown } | { kind: 'signedOut'; ended: boolean } | { kind: 'signedIn'; session: SessionInfo };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const { path } = useLocation();

  const signedIn = useCallback((session: SessionInfo) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signedIn', session });
  }, []);

  const load = useCallback(() => {
    setState({ kind: 'loading' });
    api<SessionInfo>('/v1/session').then(signedIn, (error: unknown) =>
      setState(error instanceof ApiError && error.status === 401 ? { kind: 'signedOut', ended: false } : { kind: 'failed', error }),
    );
  }, [signedIn]);

  useEffect(() => {
    setUnauthenticatedHandler(() => setState({ kind: 'signedOut', ended: true }));
    load();
  }, [load]);

  const signOut = useCallback(async () => {
    await api('/v1/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken('');
    setState({ kind: 'signedOut', ended: false });
  }, []);

  const session = state.kind === 'signedIn' ? state.session : undefined;
  const value = useMemo(() => (session ? { ...session, signOut } : undefined), [session, signOut]);

  // An invitation link is for whoever opens it, signed in or not: accepting signs in as the new user.
  const invitation = matchPath('/invite/:token', path);
  if (invitation) {
    return (
      <AcceptInvite
        token={invitation.token!}
        onJoined={() => {
          navigate(HOME, { replace: true });
          load();
        }}
      />
    );
  }
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'failed') {
    return (
      <div className="centered">
        <ErrorNotice error={state.error} onRetry={load} />
      </div>
    );
  }
  if (state.kind === 'signedOut' || !value) return <SignIn onSignedIn={signedIn} sessionEnded={state.kind === 'signedOut' && state.ended} />;
  return (
    <SessionProvider value={value}>
      <Shell nav={NAV}>
        <Routes />
      </Shell>
    </SessionProvider>
  );
}

function Routes() {
  const { path } = useLocation();
  useEffect(() => {
    if (path === '/') navigate(HOME, { replace: true });
  }, [path]);
  for (const page of PAGES) {
    const params = matchPath(page.path, path);
    if (params) return <>{page.render(params)}</>;
  }
  return path === '/' ? null : <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <p>{t('notFound.body')}</p>
      <p>
        <Link to={HOME}>{t('notFound.link')}</Link>
      </p>
    </>
  );
}
