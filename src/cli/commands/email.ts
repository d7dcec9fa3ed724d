import type { Command } from 'commander';
import { dataDirOption, resolveWorkspace, withServices, type DataDirOption } from '../context.ts';
import { emit } from '../output.ts';
import type { DkimKeyView } from '../../modules/messaging/dkim.ts';

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
  const email = program.command('email').description('email authentication: DKIM keys per sending domain (docs/messaging.md, Deliverability)');
  const dkim = email.command('dkim').description('DKIM signing keys');
  const withWorkspace = (cmd: Command) => dataDirOption(cmd.option('--workspace <id|name>', 'workspace (the only one when omitted)').option('--json', 'print JSON'));

  withWorkspace(
    dkim
      .command('create')
      .description('generate an RSA 2048 key for a sending domain, stored sealed with KIZUNA_SECRET_KEY, and print the DNS TXT record to publish')
      .requiredOption('--domain <domain>', 'the domain of the sender address, such as shop.example.jp')
      .option('--selector <selector>', 'the DKIM selector (default: kz plus the date)'),
  ).action(async (opts: Flags & { domain: string; selector?: string }) => {
    const key = await withServices(opts, async (s) => s.messaging.dkim.create(await resolveWorkspace(s, opts.workspace), { domain: opts.domain, selector: opts.selector }));
    emit(opts.json, key, () => `${describeKey(key)}\nMail from ${key.domain} is signed from now on; receivers can check it once the record is published.`);
  });

  withWorkspace(dkim.command('list').description('the DKIM keys with their DNS records')).action(async (opts: Flags) => {
    const keys = await withServices(opts, async (s) => s.messaging.dkim.list(await resolveWorkspace(s, opts.workspace)));
    emit(opts.json, { data: keys }, () => (keys.length ? keys.map(describeKey).join('\n\n') : 'no DKIM keys: create one with `kizuna email dkim create --domain <domain>`'));
  });

  withWorkspace(dkim.command('delete').description('delete a DKIM key (mail is no longer signed with it)').argument('<id>', 'the key id (see list)')).action(async (id: string, opts: Flags) => {
    await withServices(opts, async (s) => s.messaging.dkim.delete(await resolveWorkspace(s, opts.workspace), id));
    emit(opts.json, { deleted: id }, () => `deleted DKIM key ${id}`);
  });
}
