import { api } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';

interface DnsRecord {
  purpose: 'spf' | 'dkim' | 'dmarc';
  name: string;
  value: string;
  zoneValue: string;
}
interface Status {
  data: { id: string; domain: string; selector: string; readable: boolean }[];
  senderDomain: string | null;
  hasKey: boolean;
  records: DnsRecord[];
}

/** The sender domain's SPF, DKIM and DMARC records to publish, and whether a DKIM key signs its mail. */
export function EmailAuthentication() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<Status>('/v1/messaging/dkim-keys');
  const action = useAction();
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return loading ? <Loading /> : null;
  const unreadable = data.data.filter((k) => !k.readable);
  const create = () =>
    action.run(async () => {
      await api('/v1/messaging/dkim-keys', { method: 'POST', body: { domain: data.senderDomain } });
      reload();
    });
  return (
    <fieldset className="card form">
      <legend className="card-legend">{t('settings.auth.title')}</legend>
      <p className="muted">{t('settings.auth.hint')}</p>
      {data.senderDomain === null ? (
        <p className="notice notice-info">{t('settings.auth.noSender')}</p>
      ) : (
        <>
          <p className={data.hasKey ? 'notice notice-success' : 'notice notice-error'} role="status">
            {data.hasKey ? t('settings.auth.keyExists', { domain: data.senderDomain }) : t('settings.auth.noKey', { domain: data.senderDomain })}
          </p>
          {unreadable.length > 0 && <p className="notice notice-error">{t('settings.auth.unreadable', { selectors: unreadable.map((k) => k.selector).join(', ') })}</p>}
          {data.records.map((r) => (
            <div key={`${r.purpose}:${r.name}`}>
              <h3 className="settings-subheading">{t(`settings.auth.${r.purpose}`)}</h3>
              <CodeBlock label={`${r.purpose.toUpperCase()} ${r.name}`} code={`${r.name}. IN TXT ${r.zoneValue}`} />
            </div>
          ))}
          {!data.hasKey && (
            <div className="form-actions">
              <button type="button" className="button button-secondary" disabled={action.busy} onClick={() => void create()}>
                {t('settings.auth.create', { domain: data.senderDomain })}
              </button>
            </div>
          )}
          {action.error !== undefined && <ErrorNotice error={action.error} />}
        </>
      )}
    </fieldset>
  );
}
