import type { ReactNode } from 'react';
import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { ModelsReport } from './types.ts';

/**
 * Pages built on the scores need a scoring run first: until there is one, say how to run it (the
 * CLI command, and a button for admins).
 */
export function RequireScores({ children }: { children: ReactNode }) {
  const models = useApi<ModelsReport>('/v1/models');
  if (models.error !== undefined) return <ErrorNotice error={models.error} onRetry={models.reload} />;
  if (!models.data) return <Loading />;
  if (!models.data.fit && models.data.lastRun?.status !== 'succeeded') return <ScoringNeeded failure={models.data.lastRun?.error ?? null} onScored={models.reload} />;
  return <>{children}</>;
}

function ScoringNeeded({ failure, onScored }: { failure: string | null; onScored: () => void }) {
  const { t } = useI18n();
  const { workspace, scopes } = useSession();
  const { busy: running, error, run } = useAction();
  const score = () =>
    run(async () => {
      await api('/v1/models/score', { method: 'POST', body: { mode: 'auto' } });
      onScored();
    });
  return (
    <EmptyState heading id="scoring-needed" title={t('insights.scoring.title')} hint={t('insights.scoring.body')}>
      {failure && (
        <p className="notice notice-error">
          {t('insights.scoring.failed')} {failure}
        </p>
      )}
      <CodeBlock code={`npx kizuna score --workspace ${workspace.id}`} label={t('insights.scoring.command')} />
      {hasScope(scopes, 'admin') && (
        <button type="button" className="button button-primary" onClick={score} disabled={running}>
          {running ? t('insights.scoring.running') : t('insights.scoring.run')}
        </button>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
    </EmptyState>
  );
}
