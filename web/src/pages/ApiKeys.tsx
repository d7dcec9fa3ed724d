import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { CodeBlock } from '../components/CodeBlock.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { ErrorNotice } from '../components/Feedback.tsx';
import { PageHeader } from '../components/Shell.tsx';
import { Table } from '../components/Table.tsx';
import { useFormat } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { hasScope, useSession } from '../session.tsx';
import type { ApiKey, ApiKeyList, Scope } from '../types.ts';
import { useAction } from '../useAction.ts';
import { useApi } from '../useApi.ts';
import { Loaded } from '../components/Loaded.tsx';

export function ApiKeys() {
  const { t } = useI18n();
  const { scopes } = useSession();
  return (
    <>
      <PageHeader title={t('apiKeys.title')} subtitle={t('apiKeys.intro')} />
      {hasScope(scopes, 'admin') ? (
        <KeyManager />
      ) : (
        <p className="notice notice-info" role="status">
          {t('apiKeys.adminOnly')}
        </p>
      )}
    </>
  );
}

function KeyManager() {
  // The scopes offered are the ones the server accepts (it lists them with the keys).
  const keys = useApi<ApiKeyList>('/v1/api-keys');
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  return (
    <>
      {created && <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(undefined)} />}
      <Loaded state={keys}>
        {(data) => (
          <>
            <CreateKey
              scopes={data.scopes}
              onCreated={(name, secret) => {
                setCreated({ name, secret });
                keys.reload();
              }}
            />
            <KeyTable keys={data.data} onChanged={keys.reload} />
          </>
        )}
      </Loaded>
    </>
  );
}

/** The secret, once: the server keeps only its hash. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <section className="card card-highlight" aria-labelledby="secret-title" role="status">
      <h2 id="secret-title">{t('apiKeys.secret.title', { name })}</h2>
      <p>{t('apiKeys.secret.warning')}</p>
      <CodeBlock code={secret} label={t('apiKeys.secret.label')} />
      <button type="button" className="button button-primary" onClick={onDone}>
        {t('apiKeys.secret.done')}
      </button>
    </section>
  );
}

/** A scope's name and what it allows, in the interface language when the dictionaries know it. */
function useScopeText() {
  const { lookup } = useI18n();
  return { name: (s: Scope) => lookup(`scope.${s}`) ?? s, desc: (s: Scope) => lookup(`scope.desc.${s}`) };
}

function CreateKey({ scopes, onCreated }: { scopes: Scope[]; onCreated: (name: string, secret: string) => void }) {
  const { t } = useI18n();
  const scopeText = useScopeText();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Scope[]>(['ingest']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [missingScope, setMissingScope] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) {
      setMissingScope(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ key: string; apiKey: ApiKey }>('/v1/api-keys', { method: 'POST', body: { name: name.trim(), scopes: chosen } });
      onCreated(result.apiKey.name, result.key);
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (scope: Scope, on: boolean) => {
    setMissingScope(false);
    setChosen((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  };

  return (
    <section className="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">{t('apiKeys.create.title')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      <form onSubmit={submit} className="form form-inline">
        <div className="field">
          <label htmlFor="key-name">{t('apiKeys.create.name')}</label>
          <input
            id="key-name"
            required
            maxLength={100}
            value={name}
            placeholder={t('apiKeys.create.namePlaceholder')}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <fieldset className="field" aria-describedby={missingScope ? 'scope-error' : undefined}>
          <legend>{t('apiKeys.create.scopes')}</legend>
          {scopes.map((scope) => (
            <label key={scope} className="checkbox">
              <input type="checkbox" name="scope" value={scope} checked={chosen.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
              <span>
                <span className="strong">{scopeText.name(scope)}</span>
                {scopeText.desc(scope) && <span className="muted"> — {scopeText.desc(scope)}</span>}
              </span>
            </label>
          ))}
          {missingScope && (
            <p id="scope-error" className="field-error" role="alert">
              {t('apiKeys.create.needScope')}
            </p>
          )}
        </fieldset>
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('apiKeys.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function KeyTable({ keys, onChanged }: { keys: ApiKey[]; onChanged: () => void }) {
  const { t } = useI18n();
  const scopeText = useScopeText();
  const format = useFormat();
  const { error, run } = useAction();
  const revoke = (key: ApiKey) =>
    run(async () => {
      await api(`/v1/api-keys/${key.id}`, { method: 'DELETE' });
      onChanged();
    });

  if (keys.length === 0) return <p className="muted">{t('apiKeys.empty')}</p>;
  // Active keys first, newest first within each group.
  const sorted = [...keys].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
  return (
    <>
      {error !== undefined && <ErrorNotice error={error} />}
      <Table
        caption={t('apiKeys.caption')}
        captionHidden
        rows={sorted}
        rowKey={(key) => key.id}
        rowProps={(key) => ({ className: key.revokedAt ? 'row-muted' : undefined })}
        columns={[
          { header: t('apiKeys.col.name'), className: 'strong', cell: (key) => key.name },
          { header: t('apiKeys.col.key'), className: 'mono', cell: (key) => `${key.prefix}…` },
          { header: t('apiKeys.col.scopes'), cell: (key) => key.scopes.map(scopeText.name).join(', ') },
          { header: t('apiKeys.col.created'), className: 'nowrap', cell: (key) => format.date(key.createdAt) },
          { header: t('apiKeys.col.lastUsed'), className: 'nowrap', cell: (key) => (key.lastUsedAt ? format.dateTime(key.lastUsedAt) : t('apiKeys.never')) },
          {
            header: t('apiKeys.col.status'),
            cell: (key) =>
              key.revokedAt ? (
                <span className="badge badge-neutral">{t('apiKeys.revoked', { date: format.date(key.revokedAt) })}</span>
              ) : (
                <span className="badge badge-positive">{t('apiKeys.active')}</span>
              ),
          },
          {
            header: <span className="visually-hidden">{t('apiKeys.col.actions')}</span>,
            className: 'actions',
            cell: (key) =>
              !key.revokedAt && (
                <ConfirmButton label={t('apiKeys.revoke')} name={key.name} question={t('apiKeys.revoke.confirm', { name: key.name })} yes={t('apiKeys.revoke.yes')} onConfirm={() => void revoke(key)} />
              ),
          },
        ]}
      />
    </>
  );
}
