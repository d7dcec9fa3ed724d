import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import { PerformancePanel } from '../campaigns/PerformancePanel.tsx';
import { Canvas } from './Canvas.tsx';
import { SettingsForm, StepForm, TriggerForm } from './Panel.tsx';
import { JourneyStatsView, StatusBadge } from './Stats.tsx';
import { stepTypeName } from './describe.ts';
import { issueText } from './issueText.ts';
import { LookupsProvider } from './lookups.tsx';
import { insertStep, newStep, nodeOfIssue, removeStep, TRIGGER_NODE, uniqueStepId, withoutPositions } from './model.ts';
import { STEP_TYPES, type Definition, type Journey, type JourneyStats, type JourneyVersion, type StepType, type Validation, type ValidationIssue } from './types.ts';

const VALIDATE_DELAY_MS = 400;
const STATS_EVERY_MS = 5000;

export function JourneyEditorPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<Journey>(`/v1/journeys/${encodeURIComponent(id)}`);
  const current = data?.id === id ? data : undefined;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/journeys">← {t('journeys.editor.back')}</Link>
      </p>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!current && loading && <Loading />}
      {current && (
        <LookupsProvider>
          <Editor key={current.id} journey={current} />
        </LookupsProvider>
      )}
    </>
  );
}

/** Asks the server what is wrong with the definition, a moment after the last change (moving nodes does not count). */
function useValidation(definition: Definition): { result: Validation | null; error: unknown; checking: boolean } {
  const body = useMemo(() => JSON.stringify({ definition: withoutPositions(definition) }), [definition]);
  const [state, setState] = useState<{ result: Validation | null; error: unknown; checking: boolean }>({ result: null, error: undefined, checking: true });
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      api<Validation>('/v1/journeys/validate', { method: 'POST', body: JSON.parse(body) as unknown, signal: controller.signal }).then(
        (result) => setState({ result, error: undefined, checking: false }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          // A definition the schema refuses comes back as a 400 listing the same kind of issues.
          if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
            setState({ result: { valid: false, issues: error.issues.map((i) => ({ path: i.path ?? [], message: i.message })) }, error: undefined, checking: false });
          } else setState({ result: null, error, checking: false });
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body]);
  return state;
}

/** The journey's live counts, every few seconds while the page is open. */
function useStats(journeyId: string, enabled: boolean, refreshKey: number): { stats: JourneyStats | null; error: unknown } {
  const [stats, setStats] = useState<JourneyStats | null>(null);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const load = () =>
      api<JourneyStats>(`/v1/journeys/${encodeURIComponent(journeyId)}/stats`, { signal: controller.signal }).then(
        (result) => {
          setStats(result);
          setError(undefined);
        },
        (err: unknown) => {
          if (!controller.signal.aborted) setError(err);
        },
      );
    void load();
    const timer = setInterval(() => void load(), STATS_EVERY_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [journeyId, enabled, refreshKey]);
  return { stats, error };
}

function Editor({ journey: initial }: { journey: Journey }) {
  const { t } = useI18n();
  const [journey, setJourney] = useState(initial);
  const [name, setName] = useState(initial.name);
  const [definition, setDefinition] = useState(initial.definition);
  const [baseline, setBaseline] = useState(() => JSON.stringify([initial.name, initial.definition]));
  const [selected, setSelected] = useState<string | null>(null);
  const [jsonErrors, setJsonErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState<'save' | 'activate' | 'pause' | null>(null);
  const [actionError, setActionError] = useState<unknown>();
  // Kept as a key so a language switch translates it too.
  const [done, setDone] = useState<{ key: MessageKey; version?: number } | null>(null);
  const [statsKey, setStatsKey] = useState(0);

  const dirty = JSON.stringify([name, definition]) !== baseline;
  const canEdit = hasScope(useSession().scopes, 'messaging');
  const readOnly = journey.status === 'archived' || !canEdit;
  const validation = useValidation(definition);
  const { stats, error: statsError } = useStats(journey.id, journey.status !== 'draft', statsKey);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const change = useCallback((next: Definition) => {
    setDefinition(next);
    setDone(null);
  }, []);

  const issues = useMemo(() => {
    const local: ValidationIssue[] = [...jsonErrors].map(([stepId, message]) => ({ path: [], stepId, message }));
    return [...local, ...(validation.result?.issues ?? [])].map((issue) => ({ issue, node: nodeOfIssue(definition, issue) }));
  }, [jsonErrors, validation.result, definition]);
  const issueCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const { node } of issues) if (node) counts.set(node, (counts.get(node) ?? 0) + 1);
    return counts;
  }, [issues]);
  const perStep = useMemo(() => (stats ? new Map(stats.perStep.map((s) => [s.stepId, s])) : null), [stats]);

  const nodeName = (node: string | null) => {
    if (node === TRIGGER_NODE) return t('journeys.node.trigger');
    const step = definition.steps.find((s) => s.id === node);
    return step ? `${stepTypeName(t, step.type)} · ${step.id}` : t('journeys.issues.journey');
  };

  const addStep = (type: StepType) => {
    const id = uniqueStepId(definition, type);
    // Joined after the selected node, so keyboard users need no drag.
    change(insertStep(definition, newStep(type, id), selected));
    setSelected(id);
  };

  /** Takes the server's answer as the new saved state (its definition as the server normalised it). */
  const adopt = (fresh: Journey) => {
    setJourney(fresh);
    setName(fresh.name);
    setDefinition(fresh.definition);
    setBaseline(JSON.stringify([fresh.name, fresh.definition]));
    setStatsKey((k) => k + 1);
  };

  const run = async (kind: 'save' | 'activate' | 'pause') => {
    setBusy(kind);
    setActionError(undefined);
    setDone(null);
    const path = `/v1/journeys/${encodeURIComponent(journey.id)}`;
    try {
      let fresh = journey;
      if (dirty && kind !== 'pause') fresh = await api<Journey>(path, { method: 'PATCH', body: { name, definition } });
      if (kind !== 'save') fresh = await api<Journey>(`${path}/${kind}`, { method: 'POST' });
      // Pausing leaves unsaved edits on the canvas; saving and activating adopt what the server stored.
      if (kind === 'pause') setJourney(fresh);
      else adopt(fresh);
      setDone({ key: kind === 'save' ? 'journeys.editor.saved' : kind === 'activate' ? 'journeys.editor.activated' : 'journeys.editor.paused', version: fresh.version });
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const selectedStep = definition.steps.find((s) => s.id === selected);
  const blocking = jsonErrors.size > 0 || validation.checking || (validation.result !== null && !validation.result.valid);
  const live = journey.status === 'active';

  return (
    <>
      <PageHeader
        title={name || t('journeys.untitled')}
        subtitle={
          <>
            <StatusBadge status={journey.status} />
            <span>{t('journeys.editor.version', { version: journey.version })}</span>
            {journey.versions.length > 1 && <span className="muted small">{t('journeys.editor.versions', { count: journey.versions.length })}</span>}
            {dirty && <span className="badge badge-accent">{t('journeys.editor.unsaved')}</span>}
          </>
        }
      >
        {canEdit && (
          <>
            <button type="button" className="button button-secondary" disabled={!dirty || busy !== null || jsonErrors.size > 0 || readOnly} onClick={() => void run('save')}>
              {busy === 'save' ? t('journeys.editor.saving') : live ? t('journeys.editor.saveVersion') : t('journeys.editor.save')}
            </button>
            {live ? (
              <button type="button" className="button button-secondary" disabled={busy !== null} onClick={() => void run('pause')}>
                {t('journeys.editor.pause')}
              </button>
            ) : (
              <button type="button" className="button button-primary" disabled={busy !== null || blocking || readOnly} onClick={() => void run('activate')}>
                {dirty ? t('journeys.editor.saveActivate') : t('journeys.editor.activate')}
              </button>
            )}
          </>
        )}
      </PageHeader>
      {!canEdit && (
        <p className="notice notice-info" role="status">
          {t('journeys.editor.readOnly')}
        </p>
      )}
      {live && dirty && (
        <p className="notice notice-info" role="status">
          {t('journeys.editor.newVersionNotice', { next: journey.version + 1, current: journey.version })}
        </p>
      )}
      {done && (
        <p className="notice notice-success" role="status">
          {t(done.key, { version: done.version ?? '' })}
        </p>
      )}
      {actionError !== undefined && <ErrorNotice error={actionError} />}
      {journey.status !== 'draft' && <JourneyStatsView stats={stats} error={statsError} />}
      {journey.status !== 'draft' && <PerformancePanel key={`performance-${statsKey}`} url={`/v1/journeys/${journey.id}/performance`} />}
      <div className="journey-editor">
        <section className="journey-palette card" aria-labelledby="journey-palette-title">
          <h2 id="journey-palette-title">{t('journeys.palette.title')}</h2>
          <p className="hint">{t('journeys.palette.hint')}</p>
          <ul>
            {STEP_TYPES.map((type) => (
              <li key={type}>
                <button type="button" className={`button button-secondary button-small jp-${type}`} disabled={readOnly} onClick={() => addStep(type)}>
                  + {stepTypeName(t, type)}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="button button-ghost button-small" onClick={() => setSelected(null)}>
            {t('journeys.panel.settings')}
          </button>
        </section>
        <Canvas definition={definition} onChange={change} selected={selected} onSelect={setSelected} issueCounts={issueCounts} stats={perStep} entrants={stats?.entrants ?? null} readOnly={readOnly} />
        <div className="journey-side card">
          {selected === TRIGGER_NODE ? (
            <TriggerForm definition={definition} onChange={change} readOnly={readOnly} />
          ) : selectedStep ? (
            <StepForm
              key={selectedStep.id}
              definition={definition}
              step={selectedStep}
              onChange={change}
              readOnly={readOnly}
              onDelete={() => {
                change(removeStep(definition, selectedStep.id));
                setSelected(null);
              }}
              onJsonError={(message) =>
                setJsonErrors((current) => {
                  const next = new Map(current);
                  if (message) next.set(selectedStep.id, message);
                  else next.delete(selectedStep.id);
                  return next;
                })
              }
            />
          ) : (
            <SettingsForm name={name} onName={setName} definition={definition} onChange={change} readOnly={readOnly} />
          )}
        </div>
      </div>
      <section className="card journey-issues" aria-labelledby="journey-issues-title" aria-live="polite">
        <h2 id="journey-issues-title">{t('journeys.issues.title')}</h2>
        {validation.error !== undefined && <ErrorNotice error={validation.error} />}
        {validation.result === null && validation.error === undefined && <Loading inline />}
        {validation.result?.valid && jsonErrors.size === 0 && <p className="notice notice-success">{t('journeys.issues.none')}</p>}
        {issues.length > 0 && (
          <ul className="journey-issue-list">
            {issues.map(({ issue, node }, i) => (
              <li key={i}>
                <span className="strong">{nodeName(node)}</span>: {issueText(t, issue)}{' '}
                {node && (
                  <button type="button" className="button button-ghost button-small" onClick={() => setSelected(node)}>
                    {t('journeys.issues.show')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Versions versions={journey.versions} current={journey.version} />
    </>
  );
}

/** Every version, when it went live and how many customers run on it (running customers finish on theirs). */
function Versions({ versions, current }: { versions: JourneyVersion[]; current: number }) {
  const { t } = useI18n();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="journey-versions-title">
      <h2 id="journey-versions-title">{t('journeys.versions.title')}</h2>
      <Table
        className="table table-compact"
        rows={[...versions].reverse()}
        rowKey={(v) => v.version}
        columns={[
          {
            header: t('journeys.list.version'),
            cell: (v) => (
              <>
                {v.version}
                {v.version === current && <span className="badge badge-neutral">{t('journeys.versions.current')}</span>}
              </>
            ),
          },
          { header: t('journeys.versions.created'), className: 'nowrap', cell: (v) => format.dateTime(v.createdAt) },
          { header: t('journeys.versions.published'), className: 'nowrap', cell: (v) => (v.publishedAt ? format.dateTime(v.publishedAt) : t('journeys.versions.notPublished')) },
          { header: t('journeys.versions.runs'), numeric: true, cell: (v) => format.number(v.runs) },
        ]}
      />
    </section>
  );
}
