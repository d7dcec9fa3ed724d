import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { customerColumn } from '../../components/customerColumn.tsx';
import { useFormat } from '../../format.ts';
import { useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import { fullName } from '../../names.ts';
import { Link, navigate } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { CursorPager, useCursorPages } from './CursorPager.tsx';
import { RuleBuilder } from './RuleBuilder.tsx';
import { AudienceLinks } from './SegmentList.tsx';
import { emptyRule, type Rule } from './rule.ts';
import type { Member, Segment } from './types.ts';
import { usePreview } from './usePreview.ts';

/** A new segment (no id) or an existing one: the rule builder with a live count, then its members. */
export function SegmentEditor({ id }: { id?: string }) {
  const { t } = useI18n();
  const all = useApi<{ data: Segment[] }>('/v1/segments');
  const one = useApi<Segment>(id ? `/v1/segments/${encodeURIComponent(id)}` : null);
  const segment = id ? (one.data?.id === id ? one.data : undefined) : null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/segments">← {t('segments.back')}</Link>
      </p>
      {one.error !== undefined && <ErrorNotice error={one.error} onRetry={one.reload} />}
      {all.error !== undefined && <ErrorNotice error={all.error} onRetry={all.reload} />}
      {(segment === undefined || !all.data) && (one.loading || all.loading) && <Loading />}
      {segment !== undefined && all.data && <Editor key={segment?.id ?? 'new'} segment={segment} segments={all.data.data.filter((s) => s.id !== id)} />}
      {segment && <Members segment={segment} />}
    </>
  );
}

function Editor({ segment, segments }: { segment: Segment | null; segments: Segment[] }) {
  const words = useGlossary();
  const { t } = useI18n();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'admin');
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [rule, setRule] = useState<Rule>(segment?.rule ?? emptyRule());
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState('');
  const { busy, error: saveError, run } = useAction();
  const [nameMissing, setNameMissing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { preview, error: previewError, pending } = usePreview(rule);
  const issues = previewError instanceof ApiError ? previewError.issues : saveError instanceof ApiError ? saveError.issues : [];

  const showJson = () => {
    setJson(JSON.stringify(rule, null, 2));
    setJsonError('');
    setMode('json');
  };
  const editJson = (text: string) => {
    setJson(text);
    try {
      const parsed = JSON.parse(text) as Rule;
      if (typeof parsed !== 'object' || parsed === null || !('match' in parsed)) throw new Error(t('segments.json.noMatch'));
      setRule(parsed);
      setJsonError('');
    } catch (err) {
      setJsonError((err as Error).message);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameMissing(true);
      return;
    }
    await run(async () => {
      const body = { name: name.trim(), description: description.trim() || null, rule };
      const saved = segment
        ? await api<Segment>(`/v1/segments/${segment.id}`, { method: 'PATCH', body })
        : await api<Segment>('/v1/segments', { method: 'POST', body });
      // Membership is computed by a refresh; doing it now makes the list show the real count.
      await api(`/v1/segments/${saved.id}/refresh`, { method: 'POST', body: {} });
      navigate('/segments');
    });
  };

  const remove = async () => {
    await run(async () => {
      await api(`/v1/segments/${segment!.id}`, { method: 'DELETE' });
      navigate('/segments');
    });
    setConfirmDelete(false);
  };

  return (
    <>
      <PageHeader title={segment ? words.segmentName(segment.name) : t('segments.new')} subtitle={segment?.key ? t('segments.builtInNote') : undefined}>
        {segment && <AudienceLinks segment={segment} />}
      </PageHeader>
      {!canEdit && (
        <p className="notice notice-info" role="status">
          {t('segments.readOnly')}
        </p>
      )}
      <form className="segment-editor" onSubmit={(e) => void save(e)} noValidate>
        <div className="segment-editor-main">
          <section className="card">
            <div className="form">
              <div className="field">
                <label htmlFor="segment-name">{t('segments.name')}</label>
                <input
                  id="segment-name"
                  value={name}
                  onChange={(e) => {
                    setName(e.target.value);
                    setNameMissing(false);
                  }}
                  maxLength={200}
                  readOnly={!canEdit}
                  aria-invalid={nameMissing}
                  aria-describedby={nameMissing ? 'segment-name-error' : undefined}
                  placeholder={t('segments.namePlaceholder')}
                />
                {nameMissing && (
                  <p id="segment-name-error" className="field-error">
                    {t('segments.nameMissing')}
                  </p>
                )}
              </div>
              <div className="field">
                <label htmlFor="segment-description">{t('segments.description')}</label>
                <input id="segment-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} readOnly={!canEdit} />
              </div>
            </div>
          </section>
          <section className="card" aria-labelledby="rule-title">
            <div className="card-head">
              <h2 id="rule-title">{t('segments.rule')}</h2>
              <div className="segmented" role="group" aria-label={t('segments.view')}>
                <button type="button" aria-pressed={mode === 'form'} onClick={() => (jsonError ? undefined : setMode('form'))} disabled={jsonError !== ''}>
                  {t('segments.view.form')}
                </button>
                <button type="button" aria-pressed={mode === 'json'} onClick={showJson}>
                  {t('segments.view.json')}
                </button>
              </div>
            </div>
            {mode === 'form' ? (
              <RuleBuilder rule={rule} onChange={setRule} segments={segments} issues={issues} readOnly={!canEdit} />
            ) : (
              <div className="field field-wide">
                <label htmlFor="segment-json">{t('segments.json.label')}</label>
                <textarea id="segment-json" className="mono rule-json" rows={18} value={json} onChange={(e) => editJson(e.target.value)} readOnly={!canEdit} spellCheck={false} />
                {jsonError && <p className="field-error">{t('segments.json.invalid', { message: jsonError })}</p>}
                <p className="hint">{t('segments.json.hint')}</p>
              </div>
            )}
          </section>
          {saveError !== undefined && <ErrorNotice error={saveError} />}
          {canEdit && (
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy || jsonError !== ''}>
                {busy ? t('segments.saving') : t('segments.save')}
              </button>
              {segment && !segment.key && !confirmDelete && (
                <button type="button" className="button button-danger-ghost" onClick={() => setConfirmDelete(true)}>
                  {t('segments.delete')}
                </button>
              )}
              {confirmDelete && (
                <span className="confirm" role="alertdialog" aria-label={t('segments.delete')}>
                  <p>{t('segments.delete.confirm', { name: segment!.name })}</p>
                  <button type="button" className="button button-danger button-small" onClick={() => void remove()} disabled={busy}>
                    {t('segments.delete.yes')}
                  </button>
                  <button type="button" className="button button-ghost button-small" onClick={() => setConfirmDelete(false)}>
                    {t('common.cancel')}
                  </button>
                </span>
              )}
            </div>
          )}
        </div>
        <PreviewPanel preview={preview} error={previewError} pending={pending} />
      </form>
    </>
  );
}

function PreviewPanel({ preview, error, pending }: { preview: ReturnType<typeof usePreview>['preview']; error: unknown; pending: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <aside className="card segment-preview" aria-labelledby="preview-title" aria-busy={pending}>
      <h2 id="preview-title">{t('segments.preview')}</h2>
      <p className="preview-count" aria-live="polite">
        {preview ? (
          <>
            <span className="preview-number" data-testid="preview-count">
              {format.number(preview.count)}
            </span>{' '}
            {t('segments.preview.customers')}
          </>
        ) : (
          <span className="muted">{t('segments.preview.waiting')}</span>
        )}
        {pending && <span className="spinner spinner-inline" aria-hidden="true" />}
      </p>
      {error !== undefined && (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">{error instanceof ApiError && error.status === 400 ? t('segments.preview.incomplete') : t('error.server')}</p>
        </div>
      )}
      {preview && preview.count === 0 && <p className="muted small">{t('segments.preview.none')}</p>}
      {preview && preview.sample.length > 0 && (
        <>
          <h3>{t('segments.preview.sample')}</h3>
          <ul className="sample-list">
            {preview.sample.map((c) => (
              <li key={c.id}>
                <Link to={`/customers/${c.id}`}>{fullName(c) ?? c.externalId}</Link>
                <span className="muted small">{c.email ?? c.externalId}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

const MEMBER_PAGE = 25;

/** Current members as of the last refresh, a page at a time from the server. */
function Members({ segment }: { segment: Segment }) {
  const { t } = useI18n();
  const format = useFormat();
  const members = useCursorPages<Member>(
    (cursor) => `/v1/segments/${segment.id}/members?limit=${MEMBER_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    segment.id,
  );
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">
        {t('segments.members')} {segment.refreshedAt && <span className="muted small">({t('segments.asOf', { time: format.dateTime(segment.refreshedAt) })})</span>}
      </h2>
      <Loaded state={members} isEmpty={(d) => d.data.length === 0} empty={<p className="muted">{segment.refreshedAt ? t('segments.members.none') : t('segments.members.notRefreshed')}</p>}>
        {(data) => (
          <>
            <Table
              busy={members.loading}
              className="table table-compact"
              rows={data.data}
              rowKey={(m) => m.customerId}
              columns={[
                customerColumn(t('segments.members.customer')),
                { header: t('segments.members.since'), cell: (m) => format.dateTime(m.enteredAt) },
              ]}
            />
            <CursorPager pageIndex={members.pageIndex} pageSize={MEMBER_PAGE} shown={data.data.length} hasNext={!!data.nextCursor} busy={members.loading} range="segments.members.range" onNext={members.next} onPrevious={members.previous} />
          </>
        )}
      </Loaded>
    </section>
  );
}
