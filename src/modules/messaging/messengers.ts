import { EmailMessenger } from './channels/email.ts';
import type { Queryable } from '../../db/database.ts';
import { LineMessenger } from './channels/line.ts';
import { OutboxMessenger } from './channels/outbox.ts';
import { PaperDmMessenger } from './channels/paperDm.ts';
import { PushMessenger } from './channels/push.ts';
import { SmsMessenger } from './channels/sms.ts';
import { WebhookMessenger } from './channels/webhook.ts';
import type { DkimSigningKey } from './dkim.ts';
import type { DmBatchStore } from './dmBatches.ts';
import type { Messenger } from './messenger.ts';
import type { MessagingSettings } from './settings.ts';
import type { Channel } from './types.ts';

/**
 * The messenger of a channel as the workspace configured it; undefined when the channel is not set
 * up. `where.db` is where the outbox channel stores what it is given; paper DM batches go to the
 * workspace's folder of `where.dmBatches`.
 */
export function createMessenger(channel: Channel, settings: MessagingSettings, where: { db: Queryable; workspaceId: string; dmBatches: DmBatchStore; dkim: DkimSigningKey[] }): Messenger | undefined {
  if (settings.outbox?.channels.includes(channel)) return new OutboxMessenger(channel, where.db, settings.sender);
  switch (channel) {
    case 'email':
      return settings.email && new EmailMessenger(settings.email, settings.sender, where.dkim);
    case 'line':
      return settings.line && new LineMessenger(settings.line);
    case 'sms':
      return settings.sms && new SmsMessenger(settings.sms);
    case 'push':
      return settings.push && new PushMessenger(settings.push);
    case 'webhook':
      return settings.webhook && new WebhookMessenger(settings.webhook);
    case 'dm':
      return settings.dm && new PaperDmMessenger(where.dmBatches, where.workspaceId, settings.sender);
  }
}
