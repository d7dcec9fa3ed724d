import './draftPreview.css';
import { useRef, useState } from 'react';
import { api } from '../../../api.ts';
import { ErrorNotice, Loading } from '../../../components/Feedback.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { PreviewCustomerSelect, usePreviewCustomer } from '../PreviewCustomer.tsx';
import { useRequest } from '../../../useApi.ts';
import type { Content, MessageClass, Template } from '../types.ts';

const DEBOUNCE_MS = 600;
/** Desktop: a 600px template with the client's margins; phone: a 375px-wide screen (MJML stacks columns below 480px). */
export const PREVIEW_WIDTHS = { desktop: 640, phone: 375 } as const;

/**
 * The email as a real customer of the chosen segment would get it, before it is saved: rendered by
 * the server (POST /v1/campaigns/preview) at desktop and phone widths.
 */
export function DraftPreview({ template, segmentId, messageClass, couponCampaignId }: { template: Extract<Template, { channel: 'email' }>; segmentId: string; messageClass: MessageClass; couponCampaignId: string }) {
  const { t } = useI18n();
  const picker = usePreviewCustomer(segmentId);
  const { customer } = picker;
  // A draft without a subject cannot be rendered: say what is missing rather than show the server's 400.
  const needsSubject = template.subject.trim() === '';
  const body = { customer, template, class: messageClass, ...(couponCampaignId ? { couponCampaignId } : {}) };
  const { data, error, loading } = useRequest(
    !customer || needsSubject ? null : JSON.stringify(body),
    (signal) => api<Content>('/v1/campaigns/preview', { method: 'POST', body, signal }),
    DEBOUNCE_MS,
  );
  const content = data?.channel === 'email' ? data : undefined;

  return (
    <section className="draft-preview" aria-labelledby="draft-preview-title">
      <h3 id="draft-preview-title">{t('campaigns.visual.preview')}</h3>
      <PreviewCustomerSelect id="draft-preview-customer" picker={picker} />
      {needsSubject && <p className="muted">{t('campaigns.visual.previewNeedsSubject')}</p>}
      {!needsSubject && error !== undefined && <ErrorNotice error={error} />}
      {!needsSubject && loading && <Loading inline />}
      {!needsSubject && content && (
        <>
          <p>
            <span className="muted">{t('campaigns.tpl.subject')}:</span> <strong data-testid="draft-preview-subject">{content.subject}</strong>
          </p>
          <div className="draft-preview-frames">
            {(['desktop', 'phone'] as const).map((d) => (
              <figure key={d} className="draft-preview-frame">
                <figcaption className="muted small">
                  {t(`campaigns.visual.device.${d}`)} · {PREVIEW_WIDTHS[d]}px
                </figcaption>
                <EmailFrame html={content.html} width={PREVIEW_WIDTHS[d]} title={`${t('campaigns.visual.preview')} (${t(`campaigns.visual.device.${d}`)})`} testId={`draft-preview-${d}`} />
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/**
 * The email in an iframe of the device's width, so MJML's media queries see a phone as a phone. The
 * frame is sandboxed without scripts (allow-same-origin only, to size it to its content); it
 * inherits the app's CSP, so remote stylesheets are dropped (they would be refused anyway).
 */
function EmailFrame({ html, width, title, testId }: { html: string; width: number; title: string; testId: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(480);
  const doc = html.replace(/<link\b[^>]*href=["']https?:[^>]*>/gi, '').replace(/@import\s+url\([^)]*\)\s*;?/gi, '');
  return (
    <iframe
      ref={frame}
      title={title}
      data-testid={testId}
      sandbox="allow-same-origin"
      srcDoc={doc}
      style={{ width, height, border: '1px solid var(--border, #ddd)', background: '#fff' }}
      onLoad={() => setHeight(Math.max(200, (frame.current?.contentDocument?.documentElement.scrollHeight ?? 480) + 8))}
    />
  );
}
