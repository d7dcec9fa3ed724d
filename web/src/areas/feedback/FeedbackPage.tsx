import { PageHeader } from '../../components/Shell.tsx';
import { Tabs, useTab } from '../../components/Tabs.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Cases } from './Cases.tsx';
import { NpsAnalysis } from './NpsAnalysis.tsx';
import { Surveys } from './Surveys.tsx';

const TABS = ['cases', 'nps', 'surveys'] as const;

/** Listening: follow-up cases first (they are what needs doing), then NPS analysis, then the surveys. */
export function FeedbackPage() {
  const { t } = useI18n();
  const tab = useTab(TABS);
  return (
    <>
      <PageHeader title={t('feedback.title')} subtitle={t('feedback.intro')} />
      <Tabs tabs={TABS} current={tab} path="/feedback" label={t('feedback.tabs')} name={(name) => t(`feedback.tab.${name}`)} />
      {tab === 'cases' && <Cases />}
      {tab === 'nps' && <NpsAnalysis />}
      {tab === 'surveys' && <Surveys />}
    </>
  );
}
