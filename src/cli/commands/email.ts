import type { Command } from 'commander';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';
import type { DkimKeyView } from '../../modules/messaging/dkim.ts';
import { listenForFeedback } from '../../modules/messaging/bounces/smtpListener.ts';

interface Flags extends DataDirOption {
  workspace?: string;
  json?: boolean;
}

const describeKey = (k: DkimKeyView) =>
  [
    `${k.domain} selector ${k.selector} (${k.algorithm}, ${k.bits} bits)${k.readable ? '' : ' — UNREADABLE: KIZUNA_SECRET_KEY does not open it; mail goes unsigned'}`,
    `  id: ${k.id}`,
    `  publish this DNS TXT record:`,
    `  ${k.dnsRecord.name}. IN TXT ${k.dnsRecord.zoneValue}`,
  ].join('\n');

export function register(program: Command): void {
  const email = program.command('email').description('email deliverability: DKIM keys per sending domain, the bounce and complaint listener (docs/messaging.md, Deliverability)');
  const dkim = email.command('dkim').description('DKIM signing keys');
  const withWorkspace = (cmd: Command) => dataDirOption(cmd.option('--workspace <id|name>', 'workspace (the only one when omitted)').option('--json', 'print JSON'));

  withWorkspace(
    dkim
      .command('create')
      .description('generate an RSA 2048 key for a sending domain, stored sealed with KIZUNA_SECRET_KEY, and print the DNS TXT record to publish')
      .requiredOption('--domain <domain>', 'the domain of the sender address, such as shop.example.jp')
      .option('--selector <selector>', 'the DKIM selector (default: kz plus the date)'),
  ).action(async (opts: Flags & { domain: string; selector?: string }) => {
    const { key, senderDomain } = await withServices(opts, async (s) => {
      const ws = await resolveWorkspace(s, opts.workspace);
      const key = await s.messaging.dkim.create(ws, { domain: opts.domain, selector: opts.selector });
      return { key, senderDomain: (await s.messaging.settingsOf(ws)).settings.sender.email.split('@')[1]?.toLowerCase() };
    });
    emit(opts.json, key, () =>
      [
        describeKey(key),
        `Mail from ${key.domain} is signed from now on; receivers can check it once the record is published.`,
        ...(senderDomain && senderDomain !== key.domain ? [`Note: this workspace sends from ${senderDomain}, not ${key.domain}: only mail whose From address is on ${key.domain} is signed.`] : []),
        'Publish SPF and DMARC too: Settings → Channels (or GET /v1/messaging/dkim-keys) lists the three records (docs/messaging.md, "Deliverability").',
      ].join('\n'),
    );
  });

  withWorkspace(dkim.command('list').description('the DKIM keys with their DNS records')).action(async (opts: Flags) => {
    const keys = await withServices(opts, async (s) => s.messaging.dkim.list(await resolveWorkspace(s, opts.workspace)));
    emit(opts.json, { data: keys }, () => (keys.length ? keys.map(describeKey).join('\n\n') : 'no DKIM keys: create one with `kizuna email dkim create --domain <domain>`'));
  });

  withWorkspace(dkim.command('delete').description('delete a DKIM key (mail is no longer signed with it)').argument('<id>', 'the key id (see list)')).action(async (id: string, opts: Flags) => {
    await withServices(opts, async (s) => s.messaging.dkim.delete(await resolveWorkspace(s, opts.workspace), id));
    emit(opts.json, { deleted: id }, () => `deleted DKIM key ${id}`);
  });

  const bounces = email.command('bounces').description('bounce (DSN) and complaint (ARF) reports');
  dataDirOption(
    bounces
      .command('listen')
      .description('receive DSN and ARF reports over SMTP until stopped (point the bounce mailbox or feedback loop here)')
      .requiredOption('--port <n>', 'TCP port', (v) => Number(v))
      .option('--host <address>', 'address to bind (default 127.0.0.1: put it behind your MTA)', '127.0.0.1')
      .option('--workspace <id|name>', 'workspace (the only one when omitted)')
      .option('--json', 'print each report as a JSON line'),
  ).action(async (opts: Flags & { port: number; host: string }) => {
    await withServices(opts, async (s) => {
      const workspaceId = await resolveWorkspace(s, opts.workspace);
      const listener = await listenForFeedback(s.messaging.feedback, {
        workspaceId,
        port: opts.port,
        host: opts.host,
        onReport: (r) => emit(opts.json, r, () => ('reason' in r ? `ignored: ${r.reason}` : `${r.format}: ${r.recorded} new, ${r.matched} matched, ${r.suppressed} suppressed, ${r.retried} retried${r.paused.length ? `, paused ${r.paused.join(', ')}` : ''}`)),
      });
      process.stderr.write(`listening for bounces and complaints on ${opts.host}:${listener.port} (workspace ${workspaceId}); Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await listener.close();
    });
  });
}
