import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { LoyaltySettings } from '../../modules/loyalty/settings.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { commandGroup } from '../group.ts';
import { cliIo, emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const wsOf = (flags: Flags) => flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE;
const workspaceOption = (cmd: Command) =>
  dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));

/** The loyalty programme's settings from the command line: what PUT/GET /v1/loyalty/settings do. */
export function register(program: Command): void {
  const loyalty = commandGroup(program, 'loyalty', 'loyalty points, tiers, rewards and referrals');
  const settings = loyalty.command('settings').description('the programme settings: earning rules, tiers, expiry, referrals');

  workspaceOption(settings.command('show').description('the effective settings (defaults filled in)')).action(async (flags: Flags) => {
    const current = await withServices(flags, async (s) => s.loyalty.settings(await resolveWorkspace(s, wsOf(flags))));
    emit(flags.json, current, () => describe(current));
  });

  workspaceOption(
    settings
      .command('set')
      .description('replace the settings with a JSON file (absent keys take the defaults; see docs/loyalty.md)')
      .requiredOption('--file <file>', 'settings JSON, e.g. the output of `kizuna loyalty settings show --json` edited'),
  ).action(async (flags: Flags & { file: string }) => {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(flags.file, 'utf8'));
    } catch (err) {
      throw new ValidationError('Invalid options', [{ path: ['--file'], message: `${flags.file}: ${(err as Error).message}` }]);
    }
    const stored = await withServices(flags, async (s) => s.loyalty.updateSettings(await resolveWorkspace(s, wsOf(flags)), input));
    emit(flags.json, stored, () => `Loyalty settings saved.\n${describe(stored)}`);
  });
}

function describe(s: LoyaltySettings): string {
  const bonuses = Object.entries(s.eventBonuses).map(([event, p]) => `${event} +${p}`);
  return [
    `earning: ${s.earn.points} point(s) per ${s.earn.perMinor} minor units; pending ${s.pendingDays} days; first purchase +${s.firstPurchaseBonus}; birthday month ×${s.birthdayMonthMultiplier}`,
    `expiry: ${s.expiryMonths === null ? 'never' : `${s.expiryMonths} months after a lot becomes available`}; "expiring soon" ${s.expiringSoonDays} days before`,
    `tiers (${s.tierBasis} over ${s.tierWindowMonths} months): ${s.tiers.map((t) => `${t.name} ≥ ${t.threshold} ×${t.earnMultiplier}`).join(', ') || 'none'}`,
    `event bonuses: ${bonuses.join(', ') || 'none'}`,
    `referral: referee +${s.referral.refereeReward.points}, referrer +${s.referral.referrerReward.points} points`,
    'the whole settings: --json',
  ].join('\n');
}
