import { PageHeader } from '../../components/Shell.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Link, useLocation } from '../../router.tsx';
import { Cases } from './Cases.tsx';
import { NpsAnalysis } from './NpsAnalysis.tsx';
import { Surveys } from './Surveys.tsx';

const TABS = ['cases', 'nps', 'surveys'] as const;
type Tab = (typeof TABS)[number];

/** Listening: follow-up cases first (they are what needs doing), then NPS analysis, then the surveys. */
export function FeedbackPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const requested = query.get('tab') as Tab | null;
  const tab: Tab = requested && TABS.includes(requested) ? requested : 'cases';
  return (
    <>
      <PageHeader title={t('feedback.title')} subtitle={t('feedback.intro')} />
      <nav className="tabs" aria-label={t('feedback.tabs')}>
        {TABS.map((name) => (
          <Link key={name} to={name === 'cases' ? '/feedback' : `/feedback?tab=${name}`} className="tab" aria-current={tab === name ? 'page' : undefined}>
            {t(`feedback.tab.${name}`)}
          </Link>
        ))}
      </nav>
      {tab === 'cases' && <Cases />}
      {tab === 'nps' && <NpsAnalysis />}
      {tab === 'surveys' && <Surveys />}
    </>
  );
}
