import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import type { Role } from '../../types.ts';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { Field } from './fields.tsx';

const ROLES: Role[] = ['admin', 'marketer', 'analyst'];

interface TeamUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
}
interface Invitation {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  expiresAt: string;
}

export function Users() {
  const team = useApi<{ data: TeamUser[]; invitations: Invitation[] }>('/v1/users');
  return (
    <>
      <Invite onInvited={team.reload} />
      <Loaded state={team}>
        {(data) => (
          <>
            <UserTable users={data.data} onChanged={team.reload} />
            {data.invitations.length > 0 && <Invitations invitations={data.invitations} onChanged={team.reload} />}
          </>
        )}
      </Loaded>
    </>
  );
}

function UserTable({ users, onChanged }: { users: TeamUser[]; onChanged: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const session = useSession();
  const { error, run } = useAction();
  const [done, setDone] = useState<string>();

  const act = (work: () => Promise<unknown>, message?: string) => {
    setDone(undefined);
    return run(async () => {
      await work();
      setDone(message);
      onChanged();
    });
  };
  const setRole = (user: TeamUser, role: Role) =>
    act(() => api(`/v1/users/${user.id}`, { method: 'PATCH', body: { role } }), t('settings.users.roleChanged', { email: user.email, role: t(`role.${role}`) }));

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('settings.users.caption')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {done && (
        <p className="notice notice-success" role="status">
          {done}
        </p>
      )}
      <Table
        caption={t('settings.users.caption')}
        captionHidden
        rows={users}
        rowKey={(user) => user.id}
        columns={[
          {
            header: t('settings.users.col.email'),
            className: 'strong wrap-anywhere',
            cell: (user) => (
              <>
                {user.email} {user.id === session.user.id && <span className="muted">{t('settings.users.you')}</span>}
              </>
            ),
          },
          { header: t('settings.users.col.name'), cell: (user) => user.name ?? t('common.none') },
          {
            header: t('settings.users.col.role'),
            cell: (user) => (
              <select aria-label={t('settings.users.roleFor', { email: user.email })} value={user.role} onChange={(e) => void setRole(user, e.target.value as Role)}>
                <Options items={ROLES} label={(r) => t(`role.${r}`)} />
              </select>
            ),
          },
          { header: t('settings.users.col.lastLogin'), className: 'nowrap', cell: (user) => (user.lastLoginAt ? format.dateTime(user.lastLoginAt) : t('settings.users.never')) },
          {
            header: <span className="visually-hidden">{t('apiKeys.col.actions')}</span>,
            className: 'actions',
            cell: (user) => (
              <ConfirmButton
                label={t('settings.users.remove')}
                name={user.email}
                question={t('settings.users.removeConfirm', { email: user.email })}
                yes={t('settings.users.removeYes')}
                onConfirm={() => void act(() => api(`/v1/users/${user.id}`, { method: 'DELETE' }))}
              />
            ),
          },
        ]}
      />
    </section>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('marketer');
  const { busy, error, run } = useAction();
  const [link, setLink] = useState<{ email: string; url: string }>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLink(undefined);
    return run(async () => {
      const result = await api<{ path: string; invitation: Invitation }>('/v1/users/invitations', {
        method: 'POST',
        body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) },
      });
      setLink({ email: result.invitation.email, url: `${window.location.origin}${result.path}` });
      setEmail('');
      setName('');
      onInvited();
    });
  };

  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('settings.users.invite')}</h2>
      {link && (
        <div className="notice notice-success" role="status">
          <p className="notice-title">{t('settings.users.invite.link', { email: link.email })}</p>
          <p>{t('settings.users.invite.linkHint', { email: link.email })}</p>
          <CodeBlock code={link.url} label={t('settings.users.invite.link', { email: link.email })} />
        </div>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      <form className="form form-inline" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="invite-email" path="email" error={error} label={t('settings.users.invite.email')} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field id="invite-name" path="name" error={error} label={`${t('settings.users.invite.name')} ${t('settings.optional')}`} value={name} onChange={(e) => setName(e.target.value)} />
        <div className="field">
          <label htmlFor="invite-role">{t('settings.users.invite.role')}</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <Options items={ROLES} label={(r) => t(`role.${r}`)} />
          </select>
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('settings.users.invite.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Invitations({ invitations, onChanged }: { invitations: Invitation[]; onChanged: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const { error, run } = useAction();
  const withdraw = (id: string) =>
    run(async () => {
      await api(`/v1/users/invitations/${id}`, { method: 'DELETE' });
      onChanged();
    });
  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t('settings.users.invitations')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      <Table
        caption={t('settings.users.invitations.caption')}
        captionHidden
        rows={invitations}
        rowKey={(i) => i.id}
        columns={[
          { header: t('settings.users.col.email'), className: 'wrap-anywhere', cell: (i) => i.email },
          { header: t('settings.users.col.role'), cell: (i) => t(`role.${i.role}`) },
          { header: t('settings.users.invitations.expires'), className: 'nowrap', cell: (i) => format.dateTime(i.expiresAt) },
          {
            header: <span className="visually-hidden">{t('apiKeys.col.actions')}</span>,
            className: 'actions',
            cell: (i) => (
              <button type="button" className="button button-small button-ghost" onClick={() => void withdraw(i.id)}>
                {t('settings.users.invitations.withdraw')}
                <span className="visually-hidden"> {i.email}</span>
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
