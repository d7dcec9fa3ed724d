import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Services } from '../../app/services.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';
import type { IssueResult } from '../../modules/coupons/index.ts';
import { campaignInput, campaignPatch, issueInput, redeemInput, type Campaign } from '../../modules/coupons/index.ts';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

/** Amounts are typed in the currency's units (1980, 12.50) and stored in minor units. */
const AMOUNT_FLAGS = { value: '--value', minSpendMinor: '--min-spend', budgetMinor: '--budget' } as const;
/** Schema field → the flag a user typed, so that errors name the flag. */
const FLAG_OF: Record<string, string> = {
  ...AMOUNT_FLAGS,
  name: '--name',
  kind: '--kind',
  currency: '--currency',
  startsAt: '--starts',
  endsAt: '--ends',
  validDays: '--valid-days',
  perCustomerLimit: '--per-customer-limit',
  maxRedemptions: '--max-redemptions',
  codePrefix: '--prefix',
  codeLength: '--length',
  status: '--status',
  count: '--count',
  customers: '--customers',
  segmentId: '--segment',
  expiresAt: '--expires',
  orderTotalMinor: '--total',
  shippingMinor: '--shipping',
  customerExternalId: '--customer',
  orderExternalId: '--order',
  idempotencyKey: '--key',
};

/** `kizuna coupon …`: campaigns, code issuing, redemption and statistics (docs/coupons.md). */
export function register(program: Command): void {
  const coupon = program.command('coupon').description('coupon campaigns: create, issue codes, redeem, stats');
  const common = (cmd: Command) =>
    dataDirOption(cmd.option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one').option('--json', 'print JSON'));
  const run = <T>(flags: Flags, fn: (s: Services, ws: string) => Promise<T>) =>
    withServices(flags, async (s) => fn(s, await resolveWorkspace(s, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE)));

  const campaign = coupon.command('campaign').description('coupon campaigns');
  common(
    campaign
      .command('create')
      .description('create a campaign')
      .requiredOption('--name <name>', 'campaign name')
      .requiredOption('--kind <kind>', 'percent | amount | free_shipping')
      .option('--value <v>', 'percent: 1–100; amount: the amount off, in currency units (e.g. 500 yen)')
      .option('--currency <code>', "ISO 4217 currency (default: the workspace's)")
      .option('--min-spend <amount>', 'minimum order amount, in currency units')
      .option('--starts <time>', 'start (ISO 8601; default now)')
      .option('--ends <time>', 'end, exclusive (ISO 8601)')
      .option('--valid-days <n>', 'each code expires this many days after it is issued')
      .option('--per-customer-limit <n>', 'redemptions per customer')
      .option('--budget <amount>', 'total discount the campaign may give, in currency units')
      .option('--max-redemptions <n>', 'total redemptions')
      .option('--prefix <text>', 'code prefix (capital letters and digits)')
      .option('--length <n>', 'random symbols per code (8–24, default 12)'),
  ).action(async (flags: Flags & Record<string, string | undefined>) => {
    const created = await run(flags, async (s, ws) => {
      const currency = flags.currency ?? (await s.workspaces.get(ws)).currency;
      const input = parse(campaignInput, {
        name: flags.name,
        kind: flags.kind,
        value: flags.value === undefined ? undefined : flags.kind === 'amount' ? amount(flags.value, currency, '--value') : integer(flags.value),
        currency,
        minSpendMinor: flags.minSpend === undefined ? undefined : amount(flags.minSpend, currency, '--min-spend'),
        startsAt: flags.starts,
        endsAt: flags.ends,
        validDays: optionalInteger(flags.validDays),
        perCustomerLimit: optionalInteger(flags.perCustomerLimit),
        budgetMinor: flags.budget === undefined ? undefined : amount(flags.budget, currency, '--budget'),
        maxRedemptions: optionalInteger(flags.maxRedemptions),
        codePrefix: flags.prefix,
        codeLength: optionalInteger(flags.length),
      });
      return s.coupons.createCampaign(ws, input);
    });
    emit(flags.json, created, () => `campaign ${created.name}: ${created.id}\n${describeCampaign(created)}`);
  });

  common(campaign.command('list').description('list campaigns')).action(async (flags: Flags) => {
    const all = await run(flags, async (s, ws) => {
      const list: Campaign[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.coupons.listCampaigns(ws, { limit: 500, cursor });
        list.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return list;
    });
    emit(flags.json, all, () => all.map((c) => `${c.id}  ${c.status.padEnd(6)}  ${c.name}  ${describeCampaign(c)}`).join('\n') || 'no campaigns');
  });

  common(
    campaign
      .command('update')
      .description("change a campaign's status or limits")
      .argument('<id>', 'campaign id')
      .option('--name <name>', 'new name')
      .option('--status <status>', 'active | paused | ended')
      .option('--ends <time>', 'end, exclusive (ISO 8601)')
      .option('--per-customer-limit <n>', 'redemptions per customer')
      .option('--budget <amount>', 'total discount, in currency units')
      .option('--max-redemptions <n>', 'total redemptions'),
  ).action(async (id: string, flags: Flags & Record<string, string | undefined>) => {
    const updated = await run(flags, async (s, ws) => {
      const current = await s.coupons.getCampaign(ws, id);
      const patch = parse(campaignPatch, {
        name: flags.name,
        status: flags.status,
        endsAt: flags.ends,
        perCustomerLimit: optionalInteger(flags.perCustomerLimit),
        budgetMinor: flags.budget === undefined ? undefined : amount(flags.budget, current.currency, '--budget'),
        maxRedemptions: optionalInteger(flags.maxRedemptions),
      });
      return s.coupons.updateCampaign(ws, current.id, patch);
    });
    emit(flags.json, updated, () => `campaign ${updated.name} (${updated.status}): ${describeCampaign(updated)}`);
  });

  common(
    coupon
      .command('issue')
      .description('issue codes: --count unassigned ones, or one per customer (--customers, --customers-file) or segment member (--segment)')
      .requiredOption('--campaign <id>', 'campaign id')
      .option('--count <n>', 'number of unassigned codes (up to 1,000,000)')
      .option('--customers <ids>', 'comma-separated customer ids or external ids')
      .option('--customers-file <file>', 'customer ids or external ids, one per line')
      .option('--segment <id>', "the segment's current members")
      .option('--expires <time>', "expiry of these codes (ISO 8601), instead of the campaign's --valid-days")
      .option('--out <file>', 'write the codes as CSV (code,customer_id,expires_at) instead of one per line on stdout'),
  ).action(async (flags: Flags & { campaign: string; count?: string; customers?: string; customersFile?: string; segment?: string; expires?: string; out?: string }) => {
    const customers = flags.customersFile
      ? readFileSync(flags.customersFile, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
      : flags.customers?.split(',').map((c) => c.trim()).filter(Boolean);
    const input = parse(issueInput, { count: optionalInteger(flags.count), customers, segmentId: flags.segment, expiresAt: flags.expires });
    const result = await run(flags, (s, ws) => s.coupons.issue(ws, flags.campaign, input));
    if (flags.out) await writeCodes(flags.out, result);
    const summary = `issued ${result.issued.toLocaleString('en')} codes${result.skipped ? ` (${result.skipped} customers already had one)` : ''}${flags.out ? ` to ${flags.out}` : ''}`;
    if (flags.json) return emit(true, flags.out ? { issued: result.issued, skipped: result.skipped, out: flags.out } : result, () => '');
    if (!flags.out) for (const c of result.codes) cliIo().stdout.write(`${c.code}${c.customerId ? `\t${c.customerId}` : ''}\n`);
    cliIo().stderr.write(`${summary}\n`);
  });

  common(coupon.command('stats').description('issued, redeemed, discount given and revenue of a campaign').requiredOption('--campaign <id>', 'campaign id')).action(
    async (flags: Flags & { campaign: string }) => {
      const stats = await run(flags, (s, ws) => s.coupons.stats(ws, flags.campaign));
      const money = (minor: number) => `${fromMinor(minor, stats.currency).toLocaleString('en')} ${stats.currency}`;
      emit(flags.json, stats, () =>
        [
          `issued ${stats.issued.toLocaleString('en')} (${stats.assigned.toLocaleString('en')} assigned), redeemed ${stats.redeemed.toLocaleString('en')} ` +
            `(${(stats.redemptionRate * 100).toFixed(1)}%), expired ${stats.expired.toLocaleString('en')}`,
          `discount given ${money(stats.discountMinor)}${stats.budgetRemainingMinor === null ? '' : `, budget left ${money(stats.budgetRemainingMinor)}`}`,
          `${stats.orders.toLocaleString('en')} orders used the codes, net revenue ${money(stats.revenueMinor)}`,
        ].join('\n'),
      );
    },
  );

  common(coupon.command('show').description('a code: campaign, owner, validity, redemption').argument('<code>', 'the code as printed')).action(
    async (code: string, flags: Flags) => {
      const info = await run(flags, (s, ws) => s.coupons.lookup(ws, code));
      emit(flags.json, info, () => `${info.code}: ${info.status} (campaign ${info.campaign.name}${info.customerId ? `, for customer ${info.customerId}` : ''})`);
    },
  );

  common(
    coupon
      .command('redeem')
      .description('redeem a code for an order (what a checkout does through POST /v1/coupons/redeem)')
      .argument('<code>', 'the code')
      .requiredOption('--customer <id>', "the customer's external id")
      .requiredOption('--order <id>', "the order's external id")
      .requiredOption('--total <amount>', 'order amount the coupon applies to, in currency units')
      .option('--shipping <amount>', 'shipping, for a free-shipping coupon')
      .requiredOption('--key <key>', 'idempotency key: running again with it returns the same result'),
  ).action(async (code: string, flags: Flags & { customer: string; order: string; total: string; shipping?: string; key: string }) => {
    const redemption = await run(flags, async (s, ws) => {
      const { currency } = (await s.coupons.lookup(ws, code)).campaign;
      const input = parse(redeemInput, {
        code,
        customerExternalId: flags.customer,
        orderExternalId: flags.order,
        orderTotalMinor: amount(flags.total, currency, '--total'),
        shippingMinor: flags.shipping === undefined ? undefined : amount(flags.shipping, currency, '--shipping'),
        idempotencyKey: flags.key,
      });
      return s.coupons.redeem(ws, input);
    });
    emit(flags.json, redemption, () =>
      `${redemption.code} ${redemption.replayed ? 'was already redeemed with this key' : 'redeemed'}: ${fromMinor(redemption.discountMinor, redemption.currency)} ${redemption.currency} off order ${redemption.orderExternalId}`,
    );
  });
}

function parse<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.output<T> {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const result = schema.safeParse(defined);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({ path: [FLAG_OF[String(i.path[0])] ?? String(i.path[0] ?? 'options')], message: i.message }));
  throw new ValidationError('Invalid options', issues);
}

function amount(text: string, currency: string, flag: string): number {
  const n = Number(text.replaceAll(',', ''));
  if (!Number.isFinite(n) || n < 0) throw new ValidationError(`Invalid ${flag}`, [{ path: [flag], message: `not an amount: "${text}"` }]);
  return toMinor(n, currency);
}

function integer(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

function optionalInteger(text: string | undefined): number | undefined {
  return text === undefined ? undefined : integer(text);
}

function describeCampaign(c: Campaign): string {
  const money = (minor: number) => `${fromMinor(minor, c.currency).toLocaleString('en')} ${c.currency}`;
  const offer = c.kind === 'percent' ? `${c.value}% off` : c.kind === 'amount' ? `${money(c.value)} off` : 'free shipping';
  const parts = [offer, c.minSpendMinor > 0 ? `from ${money(c.minSpendMinor)}` : '', `redeemed ${c.redemptions}`, `given ${money(c.spentMinor)}`];
  if (c.budgetMinor !== null) parts.push(`budget ${money(c.budgetMinor)}`);
  return parts.filter(Boolean).join(', ');
}

async function writeCodes(file: string, result: IssueResult): Promise<void> {
  const out = createWriteStream(file);
  const csv = stringify({ header: true, columns: ['code', 'customer_id', 'expires_at'] });
  csv.pipe(out);
  for (const c of result.codes) csv.write([c.code, c.customerId ?? '', c.expiresAt?.toISOString() ?? '']);
  csv.end();
  await finished(out);
}
