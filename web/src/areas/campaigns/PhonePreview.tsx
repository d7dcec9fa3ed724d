import type { CSSProperties, ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { Content } from './types.ts';
import './PhonePreview.css';

/** What the preview API adds to an SMS (src/modules/messaging/channels/smsSegments.ts). */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
  perSegment: number;
  nonGsm: string[];
}

type PhoneContent = Extract<Content, { channel: 'line' | 'sms' | 'push' }>;

/** LINE, SMS and push messages as they look on a phone: chat bubbles and flex messages, an SMS thread, lock-screen notifications. */
export function PhonePreview({ content }: { content: PhoneContent & { sms?: SmsSegments } }) {
  switch (content.channel) {
    case 'line':
      return <LinePhone messages={content.messages} />;
    case 'sms':
      return <SmsPhone text={content.text} segments={content.sms} />;
    case 'push':
      return <PushPhones title={content.title} body={content.body} />;
  }
}

function Phone({ label, header, className, children }: { label: string; header?: ReactNode; className: string; children: ReactNode }) {
  return (
    <figure className={`phone ${className}`} role="figure" aria-label={label}>
      <div className="phone-status" aria-hidden="true">
        <span>9:41</span>
        <span>●●● ▮</span>
      </div>
      {header}
      <div className="phone-screen">{children}</div>
    </figure>
  );
}

function LinePhone({ messages }: { messages: Record<string, unknown>[] }) {
  const { t } = useI18n();
  return (
    <Phone label={t('campaigns.phone.line')} className="phone-line" header={<div className="phone-line-header">{t('campaigns.phone.lineAccount')}</div>}>
      {messages.map((m, i) => (
        <div key={i} className="line-row">
          <span className="line-avatar" aria-hidden="true" />
          {m.type === 'flex' ? (
            <div className="line-flex" data-testid="line-flex" aria-label={String(m.altText ?? '')}>
              <FlexContainer node={m.contents as FlexNode} />
            </div>
          ) : (
            <p className="line-bubble" data-testid="line-bubble">
              {String(m.text ?? '')}
            </p>
          )}
        </div>
      ))}
    </Phone>
  );
}

/** The LINE Messaging API's flex JSON: containers (bubble, carousel) and components (box, text, button, image, separator, spacer). */
type FlexNode = Record<string, unknown> & { type?: string };

const FLEX_SIZES: Record<string, string> = { xxs: '11px', xs: '13px', sm: '14px', md: '16px', lg: '19px', xl: '22px', xxl: '29px', '3xl': '35px' };
const FLEX_SPACING: Record<string, string> = { none: '0', xs: '2px', sm: '4px', md: '8px', lg: '12px', xl: '16px', xxl: '20px' };
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function FlexContainer({ node }: { node: FlexNode }) {
  if (node.type === 'carousel') {
    return (
      <div className="flex-carousel" data-testid="flex-carousel">
        {((node.contents as FlexNode[] | undefined) ?? []).map((b, i) => (
          <FlexBubble key={i} bubble={b} />
        ))}
      </div>
    );
  }
  return <FlexBubble bubble={node} />;
}

function FlexBubble({ bubble }: { bubble: FlexNode }) {
  const blocks = (['header', 'hero', 'body', 'footer'] as const).filter((k) => bubble[k]);
  return (
    <div className={`flex-bubble flex-bubble-${str(bubble.size) ?? 'mega'}`} data-testid="flex-bubble">
      {blocks.map((k) => (
        <div key={k} className={`flex-block flex-${k}`}>
          <FlexComponent node={bubble[k] as FlexNode} />
        </div>
      ))}
    </div>
  );
}

function FlexComponent({ node }: { node: FlexNode }): ReactNode {
  const color = str(node.color);
  switch (node.type) {
    case 'box': {
      const layout = str(node.layout) ?? 'vertical';
      const style: CSSProperties = {
        flexDirection: layout === 'vertical' ? 'column' : 'row',
        alignItems: layout === 'baseline' ? 'baseline' : undefined,
        gap: FLEX_SPACING[str(node.spacing) ?? 'none'],
        background: str(node.backgroundColor),
        padding: FLEX_SPACING[str(node.paddingAll) ?? ''] ?? str(node.paddingAll),
      };
      return (
        <div className="flex-box" style={style}>
          {((node.contents as FlexNode[] | undefined) ?? []).map((c, i) => (
            <FlexComponent key={i} node={c} />
          ))}
        </div>
      );
    }
    case 'text':
      return (
        <p
          className={`flex-text${node.wrap === true ? '' : ' flex-nowrap'}`}
          style={{ fontSize: FLEX_SIZES[str(node.size) ?? 'md'], fontWeight: node.weight === 'bold' ? 700 : 400, color, textAlign: (str(node.align) as CSSProperties['textAlign']) ?? undefined }}
        >
          {str(node.text)}
        </p>
      );
    case 'button': {
      const style = str(node.style) ?? 'link';
      const label = str((node.action as FlexNode | undefined)?.label);
      return (
        <span className={`flex-button flex-button-${style}`} style={style === 'link' ? { color } : { background: color }}>
          {label}
        </span>
      );
    }
    case 'image':
      // Not fetched: a preview should not call third parties; the box shows where the image goes.
      return <div className="flex-image" role="img" aria-label={str(node.url)} />;
    case 'separator':
      return <hr className="flex-separator" style={{ borderColor: color }} />;
    case 'spacer':
      return <div style={{ height: FLEX_SPACING[str(node.size) ?? 'md'] }} />;
    default:
      return null;
  }
}

function SmsPhone({ text, segments }: { text: string; segments?: SmsSegments }) {
  const { t } = useI18n();
  return (
    <div className="phone-with-caption">
      <Phone label={t('campaigns.phone.sms')} className="phone-sms" header={<div className="phone-sms-header">{t('campaigns.phone.smsSender')}</div>}>
        <p className="sms-bubble" data-testid="sms-bubble">
          {text}
        </p>
      </Phone>
      {segments && (
        <p className="phone-caption" data-testid="sms-segments">
          {t('campaigns.phone.smsSegments', { encoding: segments.encoding, segments: segments.segments, units: segments.units, per: segments.perSegment })}
          {segments.encoding === 'UCS-2' && (
            <>
              <br />
              {t('campaigns.phone.smsUcs2', { chars: segments.nonGsm.slice(0, 12).join(' ') })}
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** The same notification as iOS and Android show it on the lock screen (each clamps the body to a few lines). */
function PushPhones({ title, body }: { title: string; body: string }) {
  const { t } = useI18n();
  return (
    <div className="phone-pair">
      <Phone label={t('campaigns.phone.pushIos')} className="phone-push phone-ios">
        <p className="lock-time" aria-hidden="true">9:41</p>
        <div className="notification notification-ios" data-testid="push-ios">
          <div className="notification-head">
            <span className="app-icon" aria-hidden="true" />
            <span className="notification-app">{t('campaigns.phone.app')}</span>
            <span className="notification-when">{t('campaigns.phone.now')}</span>
          </div>
          <strong className="notification-title">{title}</strong>
          <p className="notification-body">{body}</p>
        </div>
      </Phone>
      <Phone label={t('campaigns.phone.pushAndroid')} className="phone-push phone-android">
        <div className="notification notification-android" data-testid="push-android">
          <div className="notification-head">
            <span className="app-icon app-icon-small" aria-hidden="true" />
            <span className="notification-app">
              {t('campaigns.phone.app')} · {t('campaigns.phone.now')}
            </span>
          </div>
          <strong className="notification-title">{title}</strong>
          <p className="notification-body">{body}</p>
        </div>
      </Phone>
    </div>
  );
}
