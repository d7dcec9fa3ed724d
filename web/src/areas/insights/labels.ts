/** Labels and number formats the insights pages share: stages, RFM segments, percentages, point changes. */
import { RFM_SEGMENTS, STAGES, rfmKey, useGlossary } from '../../glossary.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import type { Stage } from './types.ts';

/** Stage labels: the glossary's (src/lib/glossary.ts). */
export const STAGE_KEYS = Object.fromEntries(STAGES.map((s) => [s, `glossary.stage.${s}`])) as Record<Stage, MessageKey>;

/** RFM segment ids as the API spells them, each to its glossary label. */
export const SEGMENT_KEYS = Object.fromEntries(RFM_SEGMENTS.map((s) => [s, rfmKey(s)])) as Record<string, MessageKey>;

/** Translated segment name; an unknown name (a newer server) is shown as the API gives it. */
export function useSegmentName(): (segment: string | null) => string {
  return useGlossary().rfm;
}

/** A change of a ratio in percentage points, signed, one decimal ("+1.4", "−0.3", "0.0"). */
export function signedPoints(change: number): string {
  const points = Math.abs(change * 100).toFixed(1);
  return points === '0.0' ? points : `${change > 0 ? '+' : '−'}${points}`;
}

/** Ratios as percentages in the interface language. */
export function usePercent(): (ratio: number, digits?: number) => string {
  const { locale } = useI18n();
  return (ratio, digits = 1) =>
    new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}
