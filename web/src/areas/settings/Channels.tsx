import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { EmailAuthentication } from './EmailAuthentication.tsx';
import { Field } from './fields.tsx';

/** GET /v1/messaging/settings as the screen edits it; keys it does not show (policy, webhook, base URLs) go back unchanged. */
type Settings = Record<string, unknown> & { sender?: Record<string, unknown> };

const CHANNELS = ['email', 'line', 'sms', 'push', 'dm'] as const;
type Channel = (typeof CHANNELS)[number];

interface FieldSpec {
  key: string;
  label: MessageKey;
  /** Shown masked by the API; sending the masked form back keeps the stored value. */
  secret?: boolean;
  number?: boolean;
  hint?: MessageKey;
}

const CHANNEL_FIELDS: Record<Channel, FieldSpec[]> = {
  email: [
    { key: 'smtpUrl', label: 'settings.channels.email.smtpUrl', secret: true, hint: 'settings.channels.email.smtpUrlHint' },
    { key: 'maxConnections', label: 'settings.channels.email.maxConnections', number: true },
  ],
  line: [{ key: 'channelAccessToken', label: 'settings.channels.line.channelAccessToken', secret: true }],
  sms: [
    { key: 'accountSid', label: 'settings.channels.sms.accountSid' },
    { key: 'authToken', label: 'settings.channels.sms.authToken', secret: true },
    { key: 'from', label: 'settings.channels.sms.from' },
  ],
  push: [
    { key: 'projectId', label: 'settings.channels.push.projectId' },
    { key: 'accessToken', label: 'settings.channels.push.accessToken', secret: true },
  ],
  // Paper DM has nothing to set: batches are written under the data directory and downloaded from the API.
  dm: [],
};

const SENDER: (FieldSpec & { required?: boolean; type?: string })[] = [
  { key: 'name', label: 'settings.channels.sender.name', required: true },
  { key: 'email', label: 'settings.channels.sender.email', required: true, type: 'email' },
  { key: 'replyTo', label: 'settings.channels.sender.replyTo', type: 'email' },
  { key: 'postalCode', label: 'settings.channels.sender.postalCode', hint: 'settings.channels.sender.postalCodeHint' },
  { key: 'postalAddress', label: 'settings.channels.sender.postalAddress', required: true },
];
const CONTACT: (FieldSpec & { type: string })[] = [
  { key: 'contactUrl', label: 'settings.channels.sender.contactUrl', type: 'url' },
  { key: 'contactEmail', label: 'settings.channels.sender.contactEmail', type: 'email' },
  { key: 'contactPhone', label: 'settings.channels.sender.contactPhone', type: 'tel' },
];

/** The messaging settings (sender, providers) as stored, or empty where messaging is not configured yet. */
export function Channels() {
  const { data, error, loading, reload } = useApi<Settings>('/v1/messaging/settings');
  const notConfigured = error instanceof ApiError && error.code === 'messaging_not_configured';
  if (error !== undefined && !notConfigured) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data && !notConfigured) return loading ? <Loading /> : null;
  return <Editor initial={data ?? {}} configured={!notConfigured} />;
}

/** Every edited value as text, by its path in the settings ("sender.name", "email.smtpUrl"). */
function flatten(settings: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [section, value] of Object.entries(settings)) {
    if (typeof value === 'string') out[section] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) if (typeof inner === 'string' || typeof inner === 'number') out[`${section}.${key}`] = String(inner);
    }
  }
  return out;
}

/** The body of the PUT: what was loaded, with the screen's values over it; an empty optional field is left out. */
function build(initial: Settings, values: Record<string, string>, enabled: Set<Channel>, outbox: Set<Channel>): Settings {
  const body: Settings = { ...initial, publicBaseUrl: values.publicBaseUrl ?? '' };
  if (outbox.size > 0) body.outbox = { channels: CHANNELS.filter((c) => outbox.has(c)) };
  else delete body.outbox;
  const sender: Record<string, unknown> = { ...initial.sender };
  for (const f of [...SENDER, ...CONTACT]) {
    const v = (values[`sender.${f.key}`] ?? '').trim();
    if (v === '') delete sender[f.key];
    else sender[f.key] = v;
  }
  body.sender = sender;
  for (const channel of CHANNELS) {
    if (!enabled.has(channel)) {
      delete body[channel];
      continue;
    }
    const section: Record<string, unknown> = { ...(initial[channel] as Record<string, unknown> | undefined) };
    for (const f of CHANNEL_FIELDS[channel]) {
      const v = (values[`${channel}.${f.key}`] ?? '').trim();
      if (v === '') delete section[f.key];
      else section[f.key] = f.number ? Number(v) : v;
    }
    body[channel] = section;
  }
  return body;
}

function Editor({ initial, configured }: { initial: Settings; configured: boolean }) {
  const { t } = useI18n();
  // What the server holds: the PUT answers with it (secrets masked), and the next PUT starts from it.
  const [base, setBase] = useState<Settings>(initial);
  const [values, setValues] = useState<Record<string, string>>(() => flatten(initial));
  const [enabled, setEnabled] = useState<Set<Channel>>(() => new Set(CHANNELS.filter((c) => initial[c] !== undefined)));
  // Channels whose messages the built-in outbox keeps instead of sending (demos, staging).
  const [outbox, setOutbox] = useState<Set<Channel>>(() => new Set(CHANNELS.filter((c) => (initial.outbox as { channels?: string[] } | undefined)?.channels?.includes(c))));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);

  const set = (path: string, value: string) => {
    setSaved(false);
    setValues((v) => ({ ...v, [path]: value }));
  };
  const toggle = (which: typeof setEnabled, channel: Channel, on: boolean) => {
    setSaved(false);
    which((current) => {
      const next = new Set(current);
      if (on) next.add(channel);
      else next.delete(channel);
      return next;
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const stored = await api<Settings>('/v1/messaging/settings', { method: 'PUT', body: build(base, values, enabled, outbox) });
      setBase(stored);
      setValues(flatten(stored));
      setSaved(true);
    });
  };

  const input = (path: string, spec: FieldSpec & { required?: boolean; type?: string }, id: string) => (
    <Field
      key={path}
      id={id}
      path={path}
      error={error}
      label={spec.required ? t(spec.label) : `${t(spec.label)} ${t('settings.optional')}`}
      type={spec.number ? 'number' : (spec.type ?? 'text')}
      required={spec.required}
      value={values[path] ?? ''}
      onChange={(e) => set(path, e.target.value)}
      hint={spec.secret && values[path] ? t('settings.channels.secretHint') : spec.hint ? t(spec.hint) : undefined}
      autoComplete="off"
      spellCheck={false}
    />
  );

  return (
    <form className="form settings-form" onSubmit={(e) => void submit(e)} noValidate>
      {!configured && base === initial && (
        <p className="notice notice-info" role="status">
          {t('settings.channels.notConfigured')}
        </p>
      )}
      <fieldset className="card form">
        <legend className="card-legend">{t('settings.channels.sender')}</legend>
        <p className="muted">{t('settings.channels.senderHint')}</p>
        <div className="form-grid">{SENDER.map((f) => input(`sender.${f.key}`, f, `sender-${f.key}`))}</div>
        <h3 className="settings-subheading">{t('settings.channels.contact')}</h3>
        <p className="muted">{t('settings.channels.contactHint')}</p>
        <div className="form-grid">{CONTACT.map((f) => input(`sender.${f.key}`, f, `sender-${f.key}`))}</div>
        <div className="form-grid">
          {input('publicBaseUrl', { key: 'publicBaseUrl', label: 'settings.channels.publicBaseUrl', hint: 'settings.channels.publicBaseUrlHint', required: true, type: 'url' }, 'public-base-url')}
        </div>
      </fieldset>

      {CHANNELS.map((channel) => (
        <fieldset className="card form" key={channel}>
          <legend className="card-legend">{t(`settings.channel.${channel}`)}</legend>
          <label className="checkbox">
            <input type="checkbox" checked={enabled.has(channel)} onChange={(e) => toggle(setEnabled, channel, e.target.checked)} />
            <span>{t('settings.channels.enable', { channel: t(`settings.channel.${channel}`) })}</span>
          </label>
          {enabled.has(channel) && (
            <div className="form-grid">{CHANNEL_FIELDS[channel].map((f) => input(`${channel}.${f.key}`, { ...f, required: !f.number }, `${channel}-${f.key}`))}</div>
          )}
        </fieldset>
      ))}
      {configured && enabled.has('email') && <EmailAuthentication />}

      <fieldset className="card form">
        <legend className="card-legend">{t('settings.channels.outbox')}</legend>
        <p className="muted">{t('settings.channels.outboxHint')}</p>
        {CHANNELS.map((channel) => (
          <label className="checkbox" key={channel}>
            <input type="checkbox" checked={outbox.has(channel)} onChange={(e) => toggle(setOutbox, channel, e.target.checked)} />
            <span>{t('settings.channels.outboxFor', { channel: t(`settings.channel.${channel}`) })}</span>
          </label>
        ))}
      </fieldset>

      {error !== undefined && <ErrorNotice error={error} />}
      {saved && (
        <p className="notice notice-success" role="status">
          {t('settings.saved')}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}
