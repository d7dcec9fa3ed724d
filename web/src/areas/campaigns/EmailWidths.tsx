import { useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import './PhonePreview.css';

type Width = 'desktop' | 'phone';

/**
 * The email at desktop or phone width. In a shadow root MJML's media queries follow the browser's
 * viewport, not the frame, so the phone view turns the desktop query (min-width:480px) off: the email
 * gets the layout a phone gives it, columns stacked.
 */
export function EmailWidths({ html, children }: { html: string; children: (html: string) => ReactNode }) {
  const { t } = useI18n();
  const [width, setWidth] = useState<Width>('desktop');
  const shown = width === 'phone' ? html.replace(/\(\s*min-width\s*:\s*480px\s*\)/g, '(min-width:100000px)') : html;
  return (
    <>
      <div className="preview-widths" role="group" aria-label={t('campaigns.width.label')}>
        {(['desktop', 'phone'] as const).map((w) => (
          <button key={w} type="button" className="button button-ghost" aria-pressed={width === w} onClick={() => setWidth(w)}>
            {t(`campaigns.width.${w}`)}
          </button>
        ))}
      </div>
      <div className={`email-width email-width-${width}`} data-testid="email-width">
        {children(shown)}
      </div>
    </>
  );
}
