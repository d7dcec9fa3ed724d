import { ApiError, type FieldIssue } from '../api.ts';
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

/** What went wrong in plain words, by kind; the server's own message below it when it adds something. */
export function errorMessageKey(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'error.server';
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

/**
 * The server's error in the interface language: a code the dictionaries know (error.code.last_admin)
 * is worded by the app; otherwise a title by HTTP status, with the server's own message below it.
 */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lookup } = useI18n();
  const worded = error instanceof ApiError && error.code ? lookup(`error.code.${error.code}`) : undefined;
  // A refusal with field issues is explained by them (in this language); the server's English summary would add nothing.
  const explainedByIssues = error instanceof ApiError && error.code === 'validation_failed' && error.issues.length > 0;
  const detail = !worded && !explainedByIssues && error instanceof ApiError && error.status >= 400 && error.status < 500 ? error.message : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{worded ?? t(errorMessageKey(error), { status: error instanceof ApiError ? error.status : '' })}</p>
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
              {issue.line !== undefined ? `${issue.line}: ` : issue.path && issue.path.length > 0 ? `${fieldPath(issue).join('.')}: ` : ''}
              <IssueText issue={issue} />
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

/** The issue's path within the request body (route validation puts "body" first; services do not). */
const fieldPath = (issue: FieldIssue): (string | number)[] => (issue.path?.[0] === 'body' ? issue.path.slice(1) : (issue.path ?? []));

/** The first issue the error names for the field at `path` ("sender.email"). */
export function issueAt(error: unknown, path: string): FieldIssue | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.issues.find((issue) => fieldPath(issue).join('.') === path);
}

/** An issue in the interface language when its kind is known (the server's words stay in the tooltip), else as the server put it. */
function IssueText({ issue }: { issue: FieldIssue }) {
  const { lookup } = useI18n();
  const worded = issue.code ? lookup(`issue.${issue.code}`) : undefined;
  return worded ? <span title={issue.message}>{worded}</span> : <>{issue.message}</>;
}

/** The API's complaint about one field, shown under it; `id` is what the input's aria-describedby names. */
export function FieldError({ error, path, id }: { error: unknown; path: string; id: string }) {
  const issue = issueAt(error, path);
  if (!issue) return null;
  return (
    <p className="field-error" id={id}>
      <IssueText issue={issue} />
    </p>
  );
}
