import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi, type ApiState } from '../../useApi.ts';
import { StatusBadge, usePercent } from './Stats.tsx';
import { BLANK_DEFINITION } from './model.ts';
import type { Journey, JourneySummary, JourneyTemplate } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

/** Every journey with its reach, the templates to switch on, and a blank one to start from. */
export function JourneysPage() {
  const { t } = useI18n();
  const journeys = useApi<{ data: JourneySummary[] }>('/v1/journeys');
  const canEdit = hasScope(useSession().scopes, 'messaging');
  return (
    <>
      <PageHeader title={t('journeys.list.title')} subtitle={t('journeys.list.subtitle')} />
      <JourneyTable journeys={journeys} />
      <Templates journeys={journeys.data?.data ?? []} canEdit={canEdit} />
      {canEdit && <NewJourney />}
    </>
  );
}

function JourneyTable({ journeys }: { journeys: ApiState<{ data: JourneySummary[] }> }) {
  const { t } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  return (
    <section className="card" aria-labelledby="journeys-list-title">
      <h2 id="journeys-list-title">{t('journeys.list.journeys')}</h2>
      <Loaded
        state={journeys}
        isEmpty={(d) => d.data.length === 0}
        empty={
          <EmptyState compact title={t('journeys.list.emptyTitle')}>
            <p>{t('journeys.list.emptyBody')}</p>
          </EmptyState>
        }
      >
        {(data) => (
          <Table
            rows={data.data}
            rowKey={(j) => j.id}
            columns={[
              {
                header: t('journeys.list.name'),
                cell: (j) => (
                  <Link className="strong-link" to={`/journeys/${j.id}`}>
                    {j.name}
                  </Link>
                ),
              },
              { header: t('journeys.list.status'), cell: (j) => <StatusBadge status={j.status} /> },
              { header: t('journeys.list.version'), numeric: true, cell: (j) => j.version },
              { header: t('journeys.list.entrants'), numeric: true, cell: (j) => format.number(j.counts.entrants) },
              { header: t('journeys.list.active'), numeric: true, cell: (j) => format.number(j.counts.active) },
              { header: t('journeys.list.conversion'), numeric: true, cell: (j) => (j.counts.entrants ? percent(j.counts.converted / j.counts.entrants) : t('common.none')) },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

/** Each template once: switching it on makes a draft; one already switched on opens its journey instead. */
function Templates({ journeys, canEdit }: { journeys: JourneySummary[]; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const { data, error, loading, reload } = useApi<{ data: JourneyTemplate[] }>('/v1/journey-templates');
  const [busy, setBusy] = useState<string | null>(null);
  const [enableError, setEnableError] = useState<unknown>();
  const enable = async (key: string) => {
    setBusy(key);
    setEnableError(undefined);
    try {
      const journey = await api<Journey>(`/v1/journey-templates/${encodeURIComponent(key)}/enable`, { method: 'POST' });
      navigate(`/journeys/${journey.id}`);
    } catch (err) {
      setEnableError(err);
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="journeys-templates-title">
      <h2 id="journeys-templates-title">{t('journeys.templates.title')}</h2>
      <p className="hint">{t('journeys.templates.hint')}</p>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {enableError !== undefined && <ErrorNotice error={enableError} />}
      {!data && loading && <Loading />}
      {data && (
        <ul className="journey-templates">
          {data.data.map((tpl) => {
            const name = tpl.name[locale];
            const existing = journeys.find((j) => j.templateKey === tpl.key);
            return (
              <li key={tpl.key} className="card card-quiet">
                <h3>{name}</h3>
                <p className="small">{tpl.description[locale]}</p>
                <p className="small muted">{t('journeys.templates.trigger', { trigger: t(`journeys.trigger.${tpl.trigger}`) })}</p>
                {existing ? (
                  <Link to={`/journeys/${existing.id}`} className="button button-secondary button-small" aria-label={t('journeys.templates.openNamed', { name })}>
                    {t('journeys.templates.open')}
                  </Link>
                ) : (
                  canEdit && (
                    <button
                      type="button"
                      className="button button-primary button-small"
                      aria-label={t('journeys.templates.enableNamed', { name })}
                      disabled={busy !== null}
                      onClick={() => void enable(tpl.key)}
                    >
                      {busy === tpl.key ? t('journeys.templates.enabling') : t('journeys.templates.enable')}
                    </button>
                  )
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function NewJourney() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const create = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const journey = await api<Journey>('/v1/journeys', { method: 'POST', body: { name: name.trim() || t('journeys.untitled'), definition: BLANK_DEFINITION } });
      navigate(`/journeys/${journey.id}`);
    });
  };
  return (
    <section className="card" aria-labelledby="journeys-new-title">
      <h2 id="journeys-new-title">{t('journeys.new.title')}</h2>
      <form className="toolbar" onSubmit={(e) => void create(e)}>
        <label htmlFor="journey-new-name">{t('journeys.new.name')}</label>
        <input id="journey-new-name" value={name} placeholder={t('journeys.new.placeholder')} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button button-secondary" disabled={busy}>
          {t('journeys.new.create')}
        </button>
      </form>
      {error !== undefined && <ErrorNotice error={error} />}
    </section>
  );
}
