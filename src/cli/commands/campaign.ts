import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '../../kernel/errors.ts';
import type { Services } from '../../app/services.ts';
import { instantFlag } from '../asOf.ts';
import type { DrainResult } from '../../modules/messaging/dispatch.ts';
import { CHANNELS, type CampaignInput, type Channel } from '../../modules/messaging/index.ts';
import { dataDirOption, withServices, type DataDirOption } from '../context.ts';
import { cliIo, emit } from '../output.ts';
import { resolveWorkspace } from '../context.ts';

interface SendFlags extends DataDirOption {
  workspace?: string;
  segment: string;
  channel: string;
  template: string;
  subject?: string;
  name?: string;
  holdout?: string;
  class?: string;
  coupon?: string;
  card?: string;
  at?: string;
  wait: boolean;
  json?: boolean;
}

interface WorkFlags extends DataDirOption {
  workspace?: string;
  once?: boolean;
  limit?: string;
  lease?: string;
  concurrency?: string;
  json?: boolean;
}

const issue = (flag: string, message: string) => new ValidationError('Invalid options', [{ path: [flag], message }]);

export function register(program: Command): void {
  const campaign = program.command('campaign').description('messaging campaigns: send to a segment on any channel, report lift');

  dataDirOption(
    campaign
      .command('send')
      .description('create a campaign to a segment and send it (through the delivery gate)')
      .requiredOption('--segment <id>', 'segment id or name')
      .requiredOption('--channel <channel>', `one of ${CHANNELS.join(', ')}`)
      .requiredOption('--template <file>', 'a template: .json (the template object), .mjml (email, with --subject) or a text file (Liquid)')
      .option('--subject <text>', 'email subject or push title (Liquid)')
      .option('--name <name>', 'campaign name (default: the template file name)')
      .option('--holdout <percent>', 'random holdout share, 0–99', '0')
      .option('--class <class>', 'marketing or transactional', 'marketing')
      .option('--coupon <id>', 'issue a code of this coupon campaign to each recipient')
      .option('--card <card>', 'paper DM card: birthday or coupon', 'birthday')
      .option('--at <instant>', 'schedule for this time instead of sending now (the worker sends it)')
      .option('--no-wait', 'only enqueue; leave the sending to workers (`kizuna campaign work` or `kizuna worker`)')
      .option('--workspace <id>', 'workspace id or name (env KIZUNA_WORKSPACE); optional when there is only one')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: SendFlags) => {
    if (!(CHANNELS as readonly string[]).includes(flags.channel)) throw issue('--channel', `one of ${CHANNELS.join(', ')}`);
    const holdoutPercent = Number(flags.holdout);
    if (!Number.isFinite(holdoutPercent) || holdoutPercent < 0 || holdoutPercent >= 100) throw issue('--holdout', 'a percentage from 0 to 99');
    const scheduledAt = instantFlag('--at', flags.at);
    const template = readTemplate(flags.channel as Channel, flags);
    const result = await withServices(flags, async (services) => {
      try {
        const ws = await resolveWorkspace(services, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE);
        const segmentId = await resolveSegment(services, ws, flags.segment);
        const created = await services.messaging.createCampaign(ws, {
          name: flags.name ?? path.basename(flags.template),
          segmentId,
          class: flags.class as 'marketing' | 'transactional',
          template: template as CampaignInput['template'],
          holdoutPercent,
          couponCampaignId: flags.coupon,
          scheduledAt,
        });
        if (scheduledAt) return { campaign: created, enqueued: 0, heldOut: 0, passes: [] as DrainResult[] };
        const launched = await services.messaging.send(ws, created.id);
        const passes: DrainResult[] = [];
        // Sends until nothing is due now; deferred deliveries (quiet hours, retries) are left to the workers.
        while (flags.wait) {
          const pass = await services.messaging.drain({ workspaceId: ws });
          if (pass.claimed === 0) break;
          passes.push(pass);
        }
        return { ...launched, campaign: await services.messaging.getCampaign(ws, created.id), passes };
      } finally {
        await services.messaging.close();
      }
    });
    const sum = (k: 'sent' | 'suppressed' | 'deferred' | 'failed' | 'retrying') => result.passes.reduce((a, p) => a + p[k], 0);
    const summary = {
      campaignId: result.campaign.id,
      status: result.campaign.status,
      enqueued: result.enqueued,
      heldOut: result.heldOut,
      sent: sum('sent'),
      suppressed: sum('suppressed'),
      deferred: sum('deferred'),
      failed: sum('failed'),
      retrying: sum('retrying'),
    };
    emit(flags.json, summary, () =>
      scheduledAt
        ? `Campaign ${summary.campaignId} scheduled for ${scheduledAt.toISOString()}`
        : `Campaign ${summary.campaignId} (${summary.status}): ${summary.enqueued} deliveries, ${summary.heldOut} held out; ` +
          `${summary.sent} sent, ${summary.suppressed} suppressed, ${summary.deferred} deferred, ${summary.failed} failed, ${summary.retrying} to retry`,
    );
  });

  dataDirOption(
    campaign
      .command('work')
      .description('send due deliveries of every workspace until stopped (or once with --once)')
      .option('--once', 'one pass, then exit')
      .option('--limit <n>', 'deliveries claimed per pass', '500')
      .option('--concurrency <n>', 'messages in flight at once', '16')
      .option('--lease <seconds>', 'how long claimed deliveries stay with this worker before another may take them over', '60')
      .option('--workspace <id>', 'only this workspace (id)')
      .option('--json', 'print each pass as a JSON line'),
  ).action(async (flags: WorkFlags) => {
    const limit = Number(flags.limit);
    const concurrency = Number(flags.concurrency);
    if (!Number.isInteger(limit) || limit < 1) throw issue('--limit', 'a positive whole number');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw issue('--concurrency', 'a positive whole number');
    const leaseMs = Number(flags.lease) * 1000;
    if (!Number.isFinite(leaseMs) || leaseMs < 1000) throw issue('--lease', 'at least 1 second');
    await withServices(flags, async (services) => {
      const controller = new AbortController();
      process.removeAllListeners('SIGINT');
      process.removeAllListeners('SIGTERM');
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const print = (r: DrainResult) => {
        if (r.claimed > 0 || r.uncertain > 0) emit(flags.json, r, () => `${new Date().toISOString()} claimed ${r.claimed}: ${r.sent} sent, ${r.suppressed} suppressed, ${r.deferred} deferred, ${r.failed} failed, ${r.retrying} to retry${r.uncertain ? `, ${r.uncertain} uncertain (left sending by a dead worker)` : ''}`);
      };
      try {
        const options = { limit, concurrency, leaseMs, workspaceId: flags.workspace };
        if (flags.once) print(await services.messaging.drain(options));
        else await services.messaging.work({ ...options, signal: controller.signal, onPass: print });
      } finally {
        await services.messaging.close();
      }
    });
  });

  dataDirOption(
    campaign
      .command('list')
      .description('campaigns, newest first, with delivery counts')
      .option('--workspace <id>', 'workspace id or name')
      .option('--json', 'print as JSON'),
  ).action(async (flags: { workspace?: string; json?: boolean } & DataDirOption) => {
    const list = await withServices(flags, async (services) => services.messaging.listCampaigns(await resolveWorkspace(services, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE)));
    emit(flags.json, list, () =>
      list.map((c) => `${c.id}  ${c.status.padEnd(9)} ${c.channel.padEnd(7)} ${c.name}  ${Object.entries(c.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`).join('\n') || 'no campaigns',
    );
  });

  dataDirOption(
    campaign
      .command('settings')
      .description('set the workspace messaging settings (sender, providers, gate policy) from a JSON file')
      .requiredOption('--file <file>', 'settings JSON (see docs/messaging.md)')
      .option('--workspace <id>', 'workspace id or name')
      .option('--json', 'print the stored settings (secrets redacted) as JSON'),
  ).action(async (flags: { file: string; workspace?: string; json?: boolean } & DataDirOption) => {
    const input = readJson(flags.file, '--file');
    const stored = await withServices(flags, async (services) => services.messaging.putSettings(await resolveWorkspace(services, flags.workspace ?? cliIo().env.KIZUNA_WORKSPACE), input));
    emit(flags.json, stored, () => `Messaging settings saved for ${stored.sender.name} <${stored.sender.email}>`);
  });
}

async function resolveSegment(services: Services, ws: string, wanted: string): Promise<string> {
  const all = await services.segments.list(ws);
  const found = all.find((s) => s.id === wanted || s.name === wanted || s.key === wanted);
  if (!found) throw issue('--segment', `no segment ${wanted} in this workspace`);
  return found.id;
}

function readJson(file: string, flag: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw issue(flag, `${file}: ${(err as Error).message}`);
  }
}

/** The template from a file: JSON as it is, MJML as an email body, any other file as the channel's text. */
function readTemplate(channel: Channel, flags: SendFlags): unknown {
  if (flags.template.endsWith('.json')) return { channel, ...(readJson(flags.template, '--template') as object) };
  let source: string;
  try {
    source = readFileSync(flags.template, 'utf8');
  } catch (err) {
    throw issue('--template', `${flags.template}: ${(err as Error).message}`);
  }
  switch (channel) {
    case 'email':
      if (!flags.subject) throw issue('--subject', 'an email needs a subject');
      return { channel, subject: flags.subject, mjml: source };
    case 'line':
    case 'sms':
      return { channel, text: source };
    case 'push':
      if (!flags.subject) throw issue('--subject', 'a push notification needs a title');
      return { channel, title: flags.subject, body: source };
    case 'dm':
      return { channel, card: flags.card, message: source };
    case 'webhook':
      throw issue('--template', 'a webhook template is a .json file ({"payload": {…}})');
  }
}
