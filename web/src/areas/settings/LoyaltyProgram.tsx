import { useI18n } from '../../i18n/index.tsx';
import { LoyaltySettingsForm } from '../loyalty/LoyaltySettingsForm.tsx';
import { SettingsPage } from './AdminOnly.tsx';

/** The loyalty area's settings form (earning rules, expiry, tiers, referrals) among the workspace settings. */
export function LoyaltyProgram() {
  const { t } = useI18n();
  return (
    <SettingsPage title={t('settings.loyalty.title')} subtitle={t('settings.loyalty.subtitle')}>
      <LoyaltySettingsForm />
    </SettingsPage>
  );
}
