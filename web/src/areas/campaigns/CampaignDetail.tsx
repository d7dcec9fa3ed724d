import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { StatList } from '../../components/Stat.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi, useRequest } from '../../useApi.ts';
import { outboxOf } from '../outbox/Outbox.tsx';
import type { Segment } from '../segments/types.ts';
import { AbTestResult } from './AbTestResult.tsx';
import { CampaignError } from './CampaignForm.tsx';
import { STATUS_BADGE } from './CampaignList.tsx';
import { CampaignReportView } from './CampaignReport.tsx';
import { EmailWidths } from './EmailWidths.tsx';
import { PerformancePanel } from './PerformancePanel.tsx';
import { PhonePreview } from './PhonePreview.tsx';
import { PreviewCustomerSelect, usePreviewCustomer } from './PreviewCustomer.tsx';
import type { Campaign, Content } from './types.ts';

/** One campaign: what it is, send or cancel it, preview it for a real customer, test-send it, and its report. */
export function CampaignDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useApi<Campaign>(`/v1/campaigns/${encodeURIComponent(id)}`);
  const campaign = data?.id === id ? data : undefined;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/campaigns">← {t('campaigns.back')}</Link>
      </p>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!campaign && loading && <Loading />}
      {campaign && <Detail campaign={campaign} onChanged={reload} />}
    </>
  );
}

function Detail({ campaign, onChanged }: { campaign: Campaign; onChanged: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const canSend = hasScope(scopes, 'messaging');
  const segment = useApi<Segment>(`/v1/segments/${campaign.segmentId}`);
  const { busy, error: actionError, run } = useAction();
  const [notice, setNotice] = useState('');
  const [confirmSend, setConfirmSend] = useState(false);
  const [reportVersion, setReportVersion] = useState(0);

  const act = async (action: 'send' | 'cancel') => {
    setNotice('');
    await run(async () => {
      const result = await api<{ enqueued?: number; heldOut?: number }>(`/v1/campaigns/${campaign.id}/${action}`, { method: 'POST', body: {} });
      // `enqueued` counts a delivery row per member, held-out ones included: the notice says how many will be sent.
      setNotice(
        action === 'send' ? t('campaigns.sent.notice', { enqueued: format.number(Math.max(0, (result.enqueued ?? 0) - (result.heldOut ?? 0))), heldOut: format.number(result.heldOut ?? 0) }) : t('campaigns.cancelled.notice'),
      );
      onChanged();
      setReportVersion((v) => v + 1);
    });
    setConfirmSend(false);
  };

  const open = campaign.status === 'draft' || campaign.status === 'scheduled' || campaign.status === 'sending';
  const facts: [string, string][] = [
    [t('campaigns.col.channel'), t(`glossary.channel.${campaign.channel}`)],
    [t('campaigns.form.class'), t(`glossary.messageClass.${campaign.class}`)],
    [t('campaigns.form.holdout'), `${format.number(campaign.holdoutPercent)}%`],
    [t('campaigns.form.window'), t('campaigns.days', { days: campaign.conversionWindowDays })],
    [t('campaigns.detail.created'), format.dateTime(campaign.createdAt)],
  ];
  if (campaign.scheduledAt) facts.push([t('campaigns.form.scheduledAt'), format.dateTime(campaign.scheduledAt)]);
  if (campaign.startedAt) facts.push([t('campaigns.detail.started'), format.dateTime(campaign.startedAt)]);
  if (campaign.finishedAt) facts.push([t('campaigns.detail.finished'), format.dateTime(campaign.finishedAt)]);

  return (
    <>
      <PageHeader
        title={campaign.name}
        subtitle={
          <>
            <span className={`badge ${STATUS_BADGE[campaign.status]}`}>{t(`campaigns.status.${campaign.status}`)}</span>{' '}
            {segment.data && (
              <Link to={`/segments/${segment.data.id}`}>
                {t('campaigns.detail.to', { segment: segment.data.name })}
                {segment.data.refreshedAt ? ` (${format.number(segment.data.memberCount)})` : ''}
              </Link>
            )}
          </>
        }
      >
        {canSend && (campaign.status === 'draft' || campaign.status === 'scheduled') && !confirmSend && (
          <button type="button" className="button button-primary" onClick={() => setConfirmSend(true)} disabled={busy}>
            {t('campaigns.send')}
          </button>
        )}
        {campaign.startedAt && (
          <Link to={outboxOf(campaign.id)} className="button button-secondary">
            {t('campaigns.detail.outbox')}
          </Link>
        )}
        {canSend && open && (
          <button type="button" className="button button-danger-ghost" onClick={() => void act('cancel')} disabled={busy}>
            {t('campaigns.cancel')}
          </button>
        )}
      </PageHeader>
      {confirmSend && (
        <div className="notice notice-info confirm-send" role="alertdialog" aria-label={t('campaigns.send')}>
          <p>{t('campaigns.send.confirm', { segment: segment.data?.name ?? '', percent: campaign.holdoutPercent })}</p>
          <button type="button" className="button button-primary" onClick={() => void act('send')} disabled={busy}>
            {t('campaigns.send.yes')}
          </button>
          <button type="button" className="button button-ghost" onClick={() => setConfirmSend(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {notice && (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      )}
      {actionError !== undefined && <CampaignError error={actionError} />}
      <StatList compact items={facts} />
      <AbTestResult key={`ab-${reportVersion}`} campaign={campaign} />
      {campaign.startedAt && <PerformancePanel key={`performance-${reportVersion}`} url={`/v1/campaigns/${campaign.id}/performance`} />}
      <CampaignReportView key={reportVersion} campaign={campaign} />
      <PreviewAndTest campaign={campaign} canSend={canSend} />
    </>
  );
}

/** Render the campaign for one of its segment's customers (a live sample), and send that to a staff address. */
function PreviewAndTest({ campaign, canSend }: { campaign: Campaign; canSend: boolean }) {
  const { t } = useI18n();
  const { user } = useSession();
  const picker = usePreviewCustomer(campaign.segmentId);
  const { customer } = picker;
  const { data: content, error, loading } = useRequest(customer ? JSON.stringify([campaign.id, customer]) : null, (signal) =>
    api<Content>(`/v1/campaigns/${campaign.id}/preview`, { method: 'POST', body: { customer }, signal }),
  );
  const [to, setTo] = useState(campaign.channel === 'email' ? user.email : '');
  const [testResult, setTestResult] = useState<{ ok: boolean; detail: unknown }>();
  const [proofResult, setProofResult] = useState<{ ok: true; to: string[] } | { ok: false; detail: unknown }>();

  const testSend = async (event: FormEvent) => {
    event.preventDefault();
    setTestResult(undefined);
    try {
      await api(`/v1/campaigns/${campaign.id}/test`, { method: 'POST', body: { customer, to } });
      setTestResult({ ok: true, detail: null });
    } catch (err) {
      setTestResult({ ok: false, detail: err });
    }
  };

  // The seed list gets the message as the selected customer would (the seed list may receive customer data).
  const sendProof = async () => {
    setProofResult(undefined);
    try {
      const result = await api<{ sent: { to: string }[] }>(`/v1/campaigns/${campaign.id}/proof`, { method: 'POST', body: customer ? { customer } : {} });
      setProofResult({ ok: true, to: result.sent.map((s) => s.to) });
    } catch (err) {
      setProofResult({ ok: false, detail: err });
    }
  };

  return (
    <section className="card" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('campaigns.preview.title')}</h2>
      <PreviewCustomerSelect id="preview-customer" picker={picker} />
      {error !== undefined && <CampaignError error={error} />}
      {loading && <Loading inline />}
      {content && !loading && <ContentView content={content} />}
      {canSend && customer && (
        <form className="test-send" onSubmit={(e) => void testSend(e)}>
          <div className="field">
            <label htmlFor="test-to">{t(`campaigns.test.to.${campaign.channel}`)}</label>
            <input id="test-to" value={to} onChange={(e) => setTo(e.target.value)} required maxLength={320} />
          </div>
          <button type="submit" className="button button-secondary" disabled={!to}>
            {t('campaigns.test.send')}
          </button>
          {testResult?.ok && (
            <p className="notice notice-success" role="status">
              {t('campaigns.test.sent', { to })}
            </p>
          )}
          {testResult && !testResult.ok && <CampaignError error={testResult.detail} />}
        </form>
      )}
      {canSend && (campaign.channel === 'email' || campaign.channel === 'sms') && (
        <div className="proof-send">
          <button type="button" className="button button-secondary" onClick={() => void sendProof()}>
            {t('campaigns.proof.send')}
          </button>
          {proofResult?.ok && (
            <p className="notice notice-success" role="status">
              {t('campaigns.proof.sent', { to: proofResult.to.join(', ') })}
            </p>
          )}
          {proofResult && !proofResult.ok && <CampaignError error={proofResult.detail} />}
        </div>
      )}
    </section>
  );
}

function ContentView({ content }: { content: Content }) {
  const { t } = useI18n();
  switch (content.channel) {
    case 'email':
      return (
        <div className="message-preview">
          <p>
            <span className="muted">{t('campaigns.tpl.subject')}:</span> <strong data-testid="preview-subject">{content.subject}</strong>
          </p>
          <EmailWidths html={content.html}>{(html) => <EmailHtml html={html} label={t('campaigns.preview.html')} />}</EmailWidths>
          <details className="disclosure">
            <summary>{t('campaigns.preview.text')}</summary>
            <pre className="preview-text">{content.text}</pre>
          </details>
        </div>
      );
    case 'sms':
    case 'push':
    case 'line':
      return <PhonePreview content={content} />;
    case 'webhook':
      return <pre className="preview-text mono message-preview">{JSON.stringify(content.payload, null, 2)}</pre>;
    case 'dm':
      return (
        <div className="message-preview">
          <p className="muted small">{t(`campaigns.tpl.card.${content.card}`)}</p>
          <pre className="preview-text">{content.message}</pre>
          {content.couponCode && <p className="mono">{content.couponCode}</p>}
          <p className="muted small">{t('campaigns.preview.dmFiles')}</p>
        </div>
      );
  }
}

/**
 * The rendered email in a shadow root, so its styles stay inside (an iframe would inherit the app's
 * frame-ancestors 'none' and stay blank). The app's content security policy keeps any script or
 * inline handler in it from running; remote stylesheets (MJML links web fonts) are dropped, as the
 * policy would refuse them and a preview should not call third parties.
 */
function EmailHtml({ html, label }: { html: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    root.innerHTML = html.replace(/<link\b[^>]*href=["']https?:[^>]*>/gi, '').replace(/@import\s+url\([^)]*\)\s*;?/gi, '');
  }, [html]);
  return <div ref={host} className="email-frame" role="document" aria-label={label} />;
}
