import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api.ts';
import { ErrorNotice } from '../components/Feedback.tsx';
import { LanguageSelect } from '../components/LanguageSelect.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { SessionInfo } from '../types.ts';
import { useAction } from '../useAction.ts';

export function SignIn({ onSignedIn, sessionEnded }: { onSignedIn: (session: SessionInfo) => void; sessionEnded: boolean }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  useEffect(() => {
    document.title = `${t('signIn.title')} · ${t('app.name')}`;
  }, [t]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => onSignedIn(await api<SessionInfo>('/v1/session', { method: 'POST', body: { email, password } })));
  };

  const wrongPassword = error instanceof ApiError && error.status === 401;
  return (
    <AuthCard languageId="language-signin">
      <h1>{t('signIn.title')}</h1>
      <p className="muted">{t('signIn.subtitle')}</p>
      {sessionEnded && !error && (
        <p className="notice notice-info" role="status">
          {t('error.sessionEnded')}
        </p>
      )}
      {wrongPassword ? (
        <p className="notice notice-error" role="alert">
          {t('error.badCredentials')}
        </p>
      ) : (
        error !== undefined && <ErrorNotice error={error} />
      )}
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor="email">{t('signIn.email')}</label>
          <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </div>
        <div className="field">
          <label htmlFor="password">{t('signIn.password')}</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p className="hint">{t('signIn.demoHint')}</p>
    </AuthCard>
  );
}

/** The frame of the signed-out pages (sign-in, an invitation): the brand over a card, the language choice at its foot. */
export function AuthCard({ languageId, children }: { languageId: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="signin">
      <main className="signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            絆
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        {children}
        <LanguageSelect id={languageId} />
      </main>
    </div>
  );
}
