import { ApiError } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

/** Spinner with a live label, for screen readers as much as for eyes. */
export function Loading({ inline = false }: { inline?: boolean }) {
  const { t } = useI18n();
  return (
    <div className={inline ? 'loading loading-inline' : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t('common.loading')}</span>
    </div>
  );
}

/**
 * API error codes with their own words in the dictionaries: for these the server's (English)
 * message is not shown, the UI's language says it all.
 */
const CODE_KEYS: Partial<Record<string, MessageKey>> = {
  messaging_not_configured: 'error.code.messagingNotConfigured',
  channel_not_configured: 'error.code.channelNotConfigured',
};

/** Whether the error's code has its own translated message. */
export function hasTranslatedCode(error: unknown): boolean {
  return error instanceof ApiError && CODE_KEYS[error.code] !== undefined;
}

/** What went wrong in plain words, by kind; the server's own message below it when it adds something. */
export function errorMessageKey(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'error.server';
  const byCode = CODE_KEYS[error.code];
  if (byCode) return byCode;
  if (error.status === 0) return 'error.network';
  if (error.status === 401) return 'error.sessionEnded';
  if (error.status === 403) return 'error.forbidden';
  if (error.status === 404) return 'error.notFound';
  if (error.status === 409) return 'error.conflict';
  if (error.status === 413) return 'error.tooLarge';
  if (error.status === 400) return 'error.invalid';
  if (error.status >= 500) return 'error.server';
  return 'error.other';
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const key = errorMessageKey(error);
  const detail = error instanceof ApiError && error.status >= 400 && error.status < 500 && !hasTranslatedCode(error) ? error.message : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{t(key, { status: error instanceof ApiError ? error.status : '' })}</p>
      {detail && (
        <p className="notice-detail">
          <span className="visually-hidden">{t('error.details')}: </span>
          {detail}
        </p>
      )}
      {error instanceof ApiError && error.issues.length > 0 && (
        <ul className="issue-list">
          {error.issues.slice(0, 10).map((issue, i) => (
            <li key={i}>
              {issue.line !== undefined ? `${issue.line}: ` : issue.path && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
