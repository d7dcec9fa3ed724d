import { ConflictError } from '../../kernel/errors.ts';
import type { MessagingSettings } from './settings.ts';
import type { Channel, MessageClass } from './types.ts';

/**
 * 特定電子メール法 (and CAN-SPAM's physical address) ask every marketing email to show who sends it,
 * where they are and how to reach them. The settings schema lets a workspace save a partial
 * identity (drafts, transactional mail); sending marketing email checks it is complete here.
 */
export function missingSenderItems(sender: Partial<MessagingSettings['sender']>): string[] {
  const missing: string[] = [];
  if (!sender.name?.trim()) missing.push('sender.name');
  if (!sender.postalAddress?.trim()) missing.push('sender.postalAddress');
  if (!sender.postalCode) missing.push('sender.postalCode');
  if (!sender.contactUrl && !sender.contactEmail && !sender.contactPhone) missing.push('sender.contactUrl|contactEmail|contactPhone');
  return missing;
}

/** Whether a message of this channel and class carries the legal footer (marketing email only). */
export const needsSenderIdentity = (channel: Channel, messageClass: MessageClass): boolean => channel === 'email' && messageClass === 'marketing';

/** Refuses (409 sender_identity_incomplete, naming the missing items) when the footer would be incomplete. */
export function assertSenderIdentity(settings: Pick<MessagingSettings, 'sender'>): void {
  const missing = missingSenderItems(settings.sender);
  if (missing.length === 0) return;
  throw new ConflictError(
    `Marketing email needs a complete sender identity (特定電子メール法): set ${missing.join(', ')} in PUT /v1/messaging/settings`,
    'sender_identity_incomplete',
  );
}
