import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { localizedText, type ListedSurvey, type Question, type QuestionType, type Survey, type SurveyKind } from './types.ts';

const KINDS: SurveyKind[] = ['nps', 'csat', 'ces', 'custom'];
const CUSTOM_TYPES: QuestionType[] = ['single', 'multiple', 'rating', 'text', 'nps', 'csat', 'ces'];

/** The survey list with create/edit, CSV export, the anonymous link and how to send it in a message. */
export function Surveys() {
  const { t, locale } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const canEdit = hasScope(scopes, 'messaging');
  const list = useApi<{ data: ListedSurvey[] }>('/v1/surveys');
  const [editing, setEditing] = useState<Survey | 'new' | null>(null);
  const [anonymous, setAnonymous] = useState<{ id: string; url: string; iframe: string } | null>(null);
  const [error, setError] = useState<unknown>();
  const showAnonymous = async (s: Survey) => {
    setError(undefined);
    try {
      setAnonymous({ id: s.id, ...(await api<{ url: string; iframe: string }>(`/v1/surveys/${s.id}/anonymous-link`, { method: 'POST' })) });
    } catch (err) {
      setError(err);
    }
  };
  if (editing) return <SurveyForm initial={editing === 'new' ? null : editing} onDone={() => (setEditing(null), list.reload())} />;
  return (
    <section aria-label={t('feedback.tab.surveys')}>
      {!canEdit && <p className="notice notice-info">{t('feedback.readOnly')}</p>}
      <div className="toolbar">
        {canEdit && (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            {t('feedback.surveys.new')}
          </button>
        )}
      </div>
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {error !== undefined && <ErrorNotice error={error} />}
      {!list.data && list.loading && <Loading />}
      {list.data && list.data.data.length === 0 && (
        <div className="empty">
          <p className="muted">{t('feedback.surveys.empty')}</p>
        </div>
      )}
      {list.data && list.data.data.length > 0 && (
        <Table
          rows={list.data.data}
          rowKey={(s) => s.id}
          columns={[
            {
              header: t('feedback.surveys.title'),
              cell: (s) => (
                <>
                  <span className="strong">{localizedText(s.title, locale)}</span>
                  <div className="muted small mono">{s.slug}</div>
                </>
              ),
            },
            { header: t('feedback.surveys.kind'), cell: (s) => t(`feedback.kind.${s.kind}`) },
            { header: t('feedback.surveys.status'), cell: (s) => t(`feedback.surveyStatus.${s.status}`) },
            { header: t('feedback.surveys.responses'), className: 'amount', cell: (s) => format.number(s.responses) },
            { header: t('feedback.surveys.score'), className: 'amount', cell: (s) => <SurveyScore survey={s} /> },
            {
              header: <span className="visually-hidden">{t('feedback.surveys.edit')}</span>,
              className: 'actions',
              cell: (s) => (
                <>
                  {canEdit && (
                    <button type="button" className="button button-small button-secondary" onClick={() => setEditing(s)}>
                      {t('feedback.surveys.edit')}
                    </button>
                  )}{' '}
                  <a className="button button-small button-ghost" href={`/v1/surveys/${s.id}/responses.csv`} download aria-label={t('feedback.surveys.exportLabel', { title: localizedText(s.title, locale) })}>
                    {t('feedback.surveys.export')}
                  </a>{' '}
                  {canEdit && (
                    <button type="button" className="button button-small button-ghost" onClick={() => void showAnonymous(s)}>
                      {t('feedback.surveys.anonymous')}
                    </button>
                  )}
                </>
              ),
            },
          ]}
        />
      )}
      {anonymous && (
        <section className="card" aria-labelledby="feedback-anonymous">
          <h2 id="feedback-anonymous">{t('feedback.surveys.anonymous')}</h2>
          <p className="muted small">{t('feedback.surveys.anonymousHelp')}</p>
          <CodeBlock code={anonymous.url} label={t('feedback.surveys.anonymous')} />
          <h3>{t('feedback.surveys.embed')}</h3>
          <CodeBlock code={anonymous.iframe} label={t('feedback.surveys.embed')} />
        </section>
      )}
      {list.data && list.data.data.length > 0 && <p className="muted small">{t('feedback.surveys.templateHelp', { tag: `{{ survey_links.${list.data.data[0]!.slug} }}` })}</p>}
    </section>
  );
}

interface Draft {
  slug: string;
  kind: SurveyKind;
  status: Survey['status'];
  locale: 'ja' | 'en';
  titleJa: string;
  titleEn: string;
  reviewUrl: string;
  linkTtlDays: number;
  questions: Question[];
}

const blankQuestion = (n: number): Question => ({ id: `q${n}`, type: 'text', label: { ja: '', en: '' }, required: false });
const clean = (l: { ja?: string; en?: string }) => ({ ...(l.ja?.trim() ? { ja: l.ja.trim() } : {}), ...(l.en?.trim() ? { en: l.en.trim() } : {}) });

function SurveyForm({ initial, onDone }: { initial: Survey | null; onDone: () => void }) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(
    initial
      ? { slug: initial.slug, kind: initial.kind, status: initial.status, locale: initial.locale, titleJa: initial.title.ja ?? '', titleEn: initial.title.en ?? '', reviewUrl: initial.reviewUrl ?? '', linkTtlDays: initial.linkTtlDays, questions: initial.questions }
      : { slug: '', kind: 'nps', status: 'active', locale: 'ja', titleJa: '', titleEn: '', reviewUrl: '', linkTtlDays: 30, questions: [] },
  );
  const { busy, error, run } = useAction();
  const update = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const setQuestion = (i: number, patch: Partial<Question>) => update({ questions: d.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const questions = d.questions.map((q) => ({
      ...q,
      label: clean(q.label),
      options: q.type === 'single' || q.type === 'multiple' ? (q.options ?? []).map((o) => ({ ...o, label: clean(o.label) })) : undefined,
    }));
    const common = { status: d.status, locale: d.locale, title: clean({ ja: d.titleJa, en: d.titleEn }), reviewUrl: d.reviewUrl.trim() || null, linkTtlDays: d.linkTtlDays };
    return run(async () => {
      if (initial) {
        await api(`/v1/surveys/${initial.id}`, { method: 'PATCH', body: { ...common, questions } });
      } else {
        // Scored kinds get their standard questions from the server; extra questions are appended after.
        const standard = d.kind !== 'custom';
        const created = await api<Survey>('/v1/surveys', { method: 'POST', body: { ...common, slug: d.slug, kind: d.kind, ...(standard ? {} : { questions }) } });
        if (standard && questions.length > 0) await api(`/v1/surveys/${created.id}`, { method: 'PATCH', body: { questions: [...created.questions, ...questions] } });
      }
      onDone();
    });
  };

  return (
    <form className="form card" onSubmit={(e) => void submit(e)} aria-label={initial ? t('feedback.surveys.edit') : t('feedback.surveys.new')}>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="survey-slug">{t('feedback.form.slug')}</label>
          <input id="survey-slug" value={d.slug} disabled={!!initial} required pattern="[a-z0-9][a-z0-9\-]{1,62}" onChange={(e) => update({ slug: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="survey-kind">{t('feedback.surveys.kind')}</label>
          <select id="survey-kind" value={d.kind} disabled={!!initial} onChange={(e) => update({ kind: e.target.value as SurveyKind })}>
            <Options items={KINDS} label={(k) => t(`feedback.kind.${k}`)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="survey-title-ja">{t('feedback.form.titleJa')}</label>
          <input id="survey-title-ja" value={d.titleJa} onChange={(e) => update({ titleJa: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="survey-title-en">{t('feedback.form.titleEn')}</label>
          <input id="survey-title-en" value={d.titleEn} onChange={(e) => update({ titleEn: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="survey-locale">{t('feedback.form.locale')}</label>
          <select id="survey-locale" value={d.locale} onChange={(e) => update({ locale: e.target.value as 'ja' | 'en' })}>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="survey-status">{t('feedback.surveys.status')}</label>
          <select id="survey-status" value={d.status} onChange={(e) => update({ status: e.target.value as Survey['status'] })}>
            <Options items={(['draft', 'active', 'closed'] as const)} label={(s) => t(`feedback.surveyStatus.${s}`)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="survey-review">{t('feedback.form.reviewUrl')}</label>
          <input id="survey-review" type="url" value={d.reviewUrl} onChange={(e) => update({ reviewUrl: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="survey-ttl">{t('feedback.form.ttl')}</label>
          <input id="survey-ttl" type="number" min={1} max={365} value={d.linkTtlDays} onChange={(e) => update({ linkTtlDays: Number(e.target.value) })} />
        </div>
      </div>
      <fieldset className="form">
        <legend>{t('feedback.form.questions')}</legend>
        {!initial && d.kind !== 'custom' && <p className="muted small">{t('feedback.form.standard')}</p>}
        {d.questions.map((q, i) => (
          <div key={i} className="card card-quiet feedback-question">
            <div className="form-grid">
              <div className="field">
                <label htmlFor={`q-type-${i}`}>{t('feedback.form.qType')}</label>
                <select id={`q-type-${i}`} value={q.type} onChange={(e) => setQuestion(i, { type: e.target.value as QuestionType })}>
                  <Options items={CUSTOM_TYPES} label={(type) => t(`feedback.qtype.${type}`)} />
                </select>
              </div>
              <div className="field">
                <label htmlFor={`q-ja-${i}`}>{t('feedback.form.qLabelJa')}</label>
                <input id={`q-ja-${i}`} value={q.label.ja ?? ''} onChange={(e) => setQuestion(i, { label: { ...q.label, ja: e.target.value } })} />
              </div>
              <div className="field">
                <label htmlFor={`q-en-${i}`}>{t('feedback.form.qLabelEn')}</label>
                <input id={`q-en-${i}`} value={q.label.en ?? ''} onChange={(e) => setQuestion(i, { label: { ...q.label, en: e.target.value } })} />
              </div>
              {(q.type === 'single' || q.type === 'multiple') && (
                <div className="field">
                  <label htmlFor={`q-options-${i}`}>{t('feedback.form.qOptions')}</label>
                  <textarea
                    id={`q-options-${i}`}
                    value={(q.options ?? []).map((o) => o.label.ja ?? o.label.en ?? '').join('\n')}
                    onChange={(e) => setQuestion(i, { options: e.target.value.split('\n').map((line, n) => ({ id: `o${n + 1}`, label: { [d.locale]: line } })) })}
                  />
                </div>
              )}
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={q.required} onChange={(e) => setQuestion(i, { required: e.target.checked })} /> {t('feedback.form.required')}
            </label>{' '}
            <button type="button" className="button button-small button-danger-ghost" onClick={() => update({ questions: d.questions.filter((_, j) => j !== i) })}>
              {t('feedback.form.remove')}
            </button>
          </div>
        ))}
        <button type="button" className="button button-secondary button-small" onClick={() => update({ questions: [...d.questions, blankQuestion(d.questions.length + 1)] })}>
          {t('feedback.form.addQuestion')}
        </button>
      </fieldset>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('feedback.form.save')}
        </button>{' '}
        <button type="button" className="button button-ghost" onClick={onDone}>
          {t('feedback.form.cancel')}
        </button>
      </div>
    </form>
  );
}

/** NPS or CSAT with its n and 95 % interval: a score from a handful of answers reads as the range it is. */
function SurveyScore({ survey }: { survey: ListedSurvey }) {
  const { t } = useI18n();
  const format = useFormat();
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const [value, n, low, high] =
    survey.nps && survey.nps.nps !== null
      ? [survey.nps.nps.toFixed(1), survey.nps.responses, survey.nps.ciLow!.toFixed(1), survey.nps.ciHigh!.toFixed(1)]
      : survey.csat && survey.csat.csat !== null
        ? [t('feedback.surveys.csat', { value: pct(survey.csat.csat) }), survey.csat.responses, pct(survey.csat.ciLow!), pct(survey.csat.ciHigh!)]
        : [null, 0, '', ''];
  if (value === null) return <>–</>;
  return (
    <>
      {value}
      <div className="muted small" data-survey-uncertainty={survey.slug}>
        {t('feedback.surveys.sample', { n: format.number(n) })} · {t('feedback.nps.interval', { low, high })}
      </div>
    </>
  );
}
