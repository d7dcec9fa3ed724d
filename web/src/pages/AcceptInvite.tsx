import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorNotice, Loading } from '../components/Feedback.tsx';
import { Field } from '../areas/settings/fields.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import type { Role } from '../types.ts';
import { useAction } from '../useAction.ts';
import { AuthCard } from './SignIn.tsx';
import { useApi } from '../useApi.ts';

interface InvitationInfo {
  email: string;
  name: string | null;
  role: Role;
  workspaceName: string;
}

/** The page an invitation link opens: the invited person chooses a password and is signed in. */
export function AcceptInvite({ token, onJoined }: { token: string; onJoined: () => void }) {
  const { t } = useI18n();
  const { data, error } = useApi<InvitationInfo>(`/v1/invitations/${encodeURIComponent(token)}`);
  return (
    <AuthCard languageId="language-invite">
      {error !== undefined && (
        <>
          <ErrorNotice error={error} />
          <p>
            <Link to="/">{t('invite.toSignIn')}</Link>
          </p>
        </>
      )}
      {data === undefined && error === undefined && <Loading />}
      {data && <Join token={token} invitation={data} onJoined={onJoined} />}
    </AuthCard>
  );
}

function Join({ token, invitation, onJoined }: { token: string; invitation: InvitationInfo; onJoined: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(invitation.name ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api(`/v1/invitations/${encodeURIComponent(token)}/accept`, { method: 'POST', body: { password, ...(name.trim() ? { name: name.trim() } : {}) } });
      onJoined();
    });
  };

  return (
    <>
      <h1>{t('invite.title', { workspace: invitation.workspaceName })}</h1>
      <p className="muted">{t('invite.intro', { email: invitation.email, role: t(`role.${invitation.role}`) })}</p>
      {error !== undefined && <ErrorNotice error={error} />}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <Field id="invite-accept-name" path="name" error={error} label={t('invite.name')} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field
          id="invite-accept-password"
          path="password"
          error={error}
          label={t('invite.password')}
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {t('invite.submit')}
        </button>
      </form>
    </>
  );
}
