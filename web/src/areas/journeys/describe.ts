import type { Translate } from '../../i18n/index.tsx';
import type { Duration, Step, StepType, Trigger } from './types.ts';

/** Step and trigger names and one-line summaries, as the canvas, the panel and the issue list say them. */
export function stepTypeName(t: Translate, type: StepType): string {
  return t(`journeys.step.${type}`);
}

export function durationText(t: Translate, d: Duration): string {
  const parts = [
    d.days ? t('journeys.duration.days', { n: d.days }) : '',
    d.hours ? t('journeys.duration.hours', { n: d.hours }) : '',
    d.minutes ? t('journeys.duration.minutes', { n: d.minutes }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : t('journeys.duration.none');
}

export interface Lookups {
  couponName: (id: string) => string | undefined;
  webhookName: (id: string) => string | undefined;
  segmentName: (id: string) => string | undefined;
}

export function stepSummary(t: Translate, step: Step, lookups: Lookups): string {
  switch (step.type) {
    case 'wait':
      return durationText(t, step.duration);
    case 'waitUntil':
      return t('journeys.summary.until', { at: step.at });
    case 'waitForEvent':
      return t('journeys.summary.waitForEvent', { event: step.event || '?', timeout: durationText(t, step.timeout) });
    case 'branch':
      return t('journeys.summary.branch');
    case 'split':
      return step.paths.map((p) => `${p.label} ${p.percent}%`).join(' / ');
    case 'send': {
      const channel = t(`glossary.channel.${step.template.channel}`);
      const tpl = step.template;
      const text = tpl.channel === 'email' ? tpl.subject : tpl.channel === 'line' || tpl.channel === 'sms' ? (tpl.text ?? '') : tpl.channel === 'push' ? tpl.title : '';
      return text ? `${channel}: ${text}` : channel;
    }
    case 'coupon':
      return step.couponCampaignId ? (lookups.couponName(step.couponCampaignId) ?? step.couponCampaignId) : t('journeys.summary.choose');
    case 'points':
      return t('journeys.summary.points', { points: step.points });
    case 'attribute':
      return step.key ? `${step.key} = ${step.value === null ? '∅' : String(step.value)}` : t('journeys.summary.choose');
    case 'webhook':
      return step.webhookId ? (lookups.webhookName(step.webhookId) ?? step.webhookId) : t('journeys.summary.choose');
    case 'exit':
      return t('journeys.summary.exit');
  }
}

export function triggerSummary(t: Translate, trigger: Trigger, lookups: Lookups): string {
  switch (trigger.type) {
    case 'event':
      return t('journeys.trigger.summary.event', { event: trigger.event });
    case 'segment':
      return t(trigger.on === 'enter' ? 'journeys.trigger.summary.segmentEnter' : 'journeys.trigger.summary.segmentLeave', {
        segment: lookups.segmentName(trigger.segmentId) ?? (trigger.segmentId || '?'),
      });
    case 'stage':
      return t('journeys.trigger.summary.stage', { stage: t(`glossary.stage.${trigger.to}`) });
    case 'date':
      return t('journeys.trigger.summary.date', { field: t(`journeys.dateField.${trigger.field}`), offset: trigger.offsetDays, at: trigger.at });
    case 'api':
      return t('journeys.trigger.summary.api');
  }
}
