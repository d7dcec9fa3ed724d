/**
 * The glossary in the web app: ids from src/lib/glossary.ts (compiled into the build), labels
 * from the dictionaries (which take them from the same file). Every screen names a stage, an RFM
 * segment, a channel or a message class through these, so the same thing has the same word.
 */
import { MERGE_TAGS, mergeTagLiquid, rfmBuiltinName, rfmSegmentOfBuiltinName, type RfmSegment } from '../../src/lib/glossary.ts';
import { useMemo } from 'react';
import { useI18n, type MessageKey } from './i18n/index.tsx';

export { CHANNELS, CONSENT_CHANNELS, MESSAGE_CHANNELS, MESSAGE_CLASSES, RFM_SEGMENTS, STAGES, rfmBuiltinName, type RfmSegment, type Stage } from '../../src/lib/glossary.ts';

/** The merge tags the template editors offer, written as a template uses them. */
export const MERGE_TAG_LIST = MERGE_TAGS.map(mergeTagLiquid).join('  ');

export interface GlossaryWords {
  stage: (id: string) => string;
  /** RFM segment label; null (not scored) as "none". */
  rfm: (id: string | null) => string;
  channel: (id: string) => string;
  messageClass: (id: string) => string;
  /** A segment's name: a built-in RFM segment under its unchanged name gets the glossary label. */
  segmentName: (name: string) => string;
}

export function useGlossary(): GlossaryWords {
  const { t, lookup } = useI18n();
  return useMemo(() => {
    // An id the glossary does not know (a newer server) is shown as the API gives it.
    const word = (kind: string) => (id: string) => lookup(`glossary.${kind}.${id}`) ?? id;
    const rfmWord = word('rfm');
    return {
      stage: word('stage'),
      rfm: (id) => (id === null ? t('common.none') : rfmWord(id)),
      channel: word('channel'),
      messageClass: word('messageClass'),
      segmentName: (name) => {
        const segment = rfmSegmentOfBuiltinName(name);
        return segment ? t('glossary.rfmBuiltinSegment', { segment: rfmWord(segment) }) : name;
      },
    };
  }, [t, lookup]);
}

export const rfmKey = (segment: RfmSegment): MessageKey => `glossary.rfm.${segment}`;
/** For tests and links: the default name a built-in RFM segment is created with. */
export const builtinRfmName = rfmBuiltinName;
