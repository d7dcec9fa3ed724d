import type { ReactNode } from 'react';
import { PageHeader } from '../../components/Shell.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';

/** A settings page: its header, then the content for admins or a refusal for everyone else (the API refuses them too). */
export function SettingsPage({ page, children }: { page: 'channels' | 'users' | 'loyalty' | 'kpi'; children: ReactNode }) {
  const { t } = useI18n();
  const { scopes } = useSession();
  return (
    <>
      <PageHeader title={t(`settings.${page}.title`)} subtitle={t(`settings.${page}.subtitle`)} />
      {hasScope(scopes, 'admin') ? (
        children
      ) : (
        <p className="notice notice-info" role="status">
          {t('settings.adminOnly')}
        </p>
      )}
    </>
  );
}
