import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { fullName } from '../../names.ts';
import { usePreview } from '../segments/usePreview.ts';

/**
 * Which of a segment's customers a message is previewed for: a live sample of 20, the first one
 * until another is picked (and again when the segment changes and the pick is no longer in it).
 */
export function usePreviewCustomer(segmentId: string) {
  const { preview: sample, error: sampleError } = usePreview(segmentId ? { version: 1, match: { type: 'segment', segmentId } } : null, 20);
  const [customer, setCustomer] = useState('');
  useEffect(() => {
    const ids = sample?.sample.map((c) => c.id) ?? [];
    if (ids.length > 0 && !ids.includes(customer)) setCustomer(ids[0]!);
  }, [sample, customer]);
  return { sample, sampleError, customer, setCustomer };
}

/** The sample's customers to choose from, or why there is none. */
export function PreviewCustomerSelect({ id, picker }: { id: string; picker: ReturnType<typeof usePreviewCustomer> }) {
  const { t } = useI18n();
  const { sample, sampleError, customer, setCustomer } = picker;
  return (
    <>
      {sampleError !== undefined && <ErrorNotice error={sampleError} />}
      {sample && sample.sample.length === 0 && <p className="muted">{t('campaigns.preview.noCustomers')}</p>}
      {sample && sample.sample.length > 0 && (
        <div className="field">
          <label htmlFor={id}>{t('campaigns.preview.customer')}</label>
          <select id={id} value={customer} onChange={(e) => setCustomer(e.target.value)}>
            <Options items={sample.sample} value={(c) => c.id} label={(c) => `${fullName(c) ?? c.externalId} ${c.email ? `<${c.email}>` : ''}`} />
          </select>
        </div>
      )}
    </>
  );
}
