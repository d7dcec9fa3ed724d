/**
 * Messages to the team rather than to customers: a test send (a customer's preview to a staff
 * address), a proof (to every seed address of the channel) and team alerts. None is a delivery:
 * they skip the queue, the gate and the reports, and go straight to the channel's messenger, opened
 * for the one use. Apart from the service because this is the only path to a provider that does not
 * run through the dispatcher.
 */
import { newId } from '../../db/ids.ts';
import { ConflictError } from '../../kernel/errors.ts';
import { escapeHtml } from '../../lib/html.ts';
import type { WorkspaceMessaging } from './dispatch.ts';
import type { DmBatchStore } from './dmBatches.ts';
import type { Content, Messenger } from './messenger.ts';
import { createMessenger } from './messengers.ts';
import { renderPreview, type PreviewDeps } from './previews.ts';
import { compileTemplate } from './render.ts';
import { SAMPLE_POSTAL, SAMPLE_SCOPES } from './sampleScopes.ts';
import { markedContent, PROOF_HEADER, seedAddressesFor } from './seedCopies.ts';
import type { SeedList } from './seedList.ts';
import type { Campaign, Channel } from './types.ts';

export interface TeamSendDeps extends PreviewDeps {
  dmBatches: DmBatchStore;
  seedList: Pick<SeedList, 'assertAllowed' | 'get'>;
}

/** Runs `use` with the channel's messenger and closes it after; a channel not set up is a 409 saying `notConfigured`. */
async function withMessenger<T>(
  deps: TeamSendDeps,
  workspaceId: string,
  channel: Channel,
  { settings, dkim }: WorkspaceMessaging,
  notConfigured: string,
  use: (messenger: Messenger) => Promise<T>,
): Promise<T> {
  const messenger = createMessenger(channel, settings, { db: deps.db, workspaceId, dmBatches: deps.dmBatches, dkim });
  if (!messenger) throw new ConflictError(notConfigured, 'channel_not_configured');
  try {
    return await use(messenger);
  } finally {
    await messenger.close();
  }
}

/**
 * The preview for a real customer, sent to a staff address (`to`), subject marked [TEST]. `to` must
 * be one of the workspace's users or on its seed list, since the message carries the customer's data.
 */
export async function testSend(deps: TeamSendDeps, workspaceId: string, campaign: Campaign, input: { customer: string; to: string }): Promise<{ providerId: string }> {
  await deps.seedList.assertAllowed(workspaceId, input.to);
  const content = await renderPreview(deps, workspaceId, campaign, input.customer);
  return withMessenger(deps, workspaceId, campaign.channel, await deps.settingsOf(workspaceId), `The ${campaign.channel} channel is not configured`, async (messenger) => {
    const customer = await deps.customers.find(workspaceId, input.customer);
    return messenger.send({
      key: newId(),
      channel: campaign.channel,
      class: 'transactional',
      to: input.to,
      content: content.channel === 'email' ? { ...content, subject: `[TEST] ${content.subject}` } : content,
      about: { workspaceId, campaignId: campaign.id, customerId: customer.id, externalId: customer.externalId },
    });
  });
}

/**
 * The campaign's message sent now to every seed address of its channel (emails for email, phone
 * numbers for SMS), marked "[PROOF]" in the subject or text and, for email, with an
 * `X-Kizuna-Proof` header. Rendered for `customer` when given (a real customer's message; the seed
 * list may receive it), else for the sample recipient templates are checked with.
 */
export async function proof(deps: TeamSendDeps, workspaceId: string, campaign: Campaign, input: { customer?: string }): Promise<{ sent: { to: string; providerId: string }[] }> {
  const addresses = seedAddressesFor(campaign.channel, (await deps.seedList.get(workspaceId)).addresses);
  if (addresses.length === 0) {
    throw new ConflictError(`The seed list has no ${campaign.channel} address: an admin adds them (PUT /v1/messaging/seed-list)`, 'seed_list_empty');
  }
  const ws = await deps.settingsOf(workspaceId);
  let content: Content;
  let about: { customerId: string; externalId: string | null };
  if (input.customer) {
    const customer = await deps.customers.find(workspaceId, input.customer);
    content = await renderPreview(deps, workspaceId, campaign, customer.id);
    about = { customerId: customer.id, externalId: customer.externalId };
  } else {
    const compiled = await compileTemplate(campaign.template, ws.settings, false, deps.variableNames);
    const sample = SAMPLE_SCOPES[0]!;
    content = await compiled.render(
      { ...sample, campaign: { id: campaign.id, name: campaign.name }, sender: { name: ws.settings.sender.name, postal_address: ws.settings.sender.postalAddress } },
      { postal: SAMPLE_POSTAL },
    );
    // No customer behind the sample: the outbox keeps the proof unattached (`|| null`).
    about = { customerId: '', externalId: null };
  }
  const sent: { to: string; providerId: string }[] = [];
  await withMessenger(deps, workspaceId, campaign.channel, ws, `The ${campaign.channel} channel is not configured`, async (messenger) => {
    for (const to of addresses) {
      const result = await messenger.send({
        key: newId(),
        channel: campaign.channel,
        class: 'transactional',
        to,
        content: markedContent(content, '[PROOF]'),
        headers: { [PROOF_HEADER]: campaign.id },
        about: { workspaceId, campaignId: campaign.id, ...about },
      });
      sent.push({ to, providerId: result.providerId });
    }
  });
  return { sent };
}

/** An email to the workspace's own team (an alert such as a new detractor case); `key` keeps a retry's Message-ID the same. */
export async function notifyTeam(deps: TeamSendDeps, workspaceId: string, input: { key: string; to: string[]; subject: string; text: string }): Promise<void> {
  await withMessenger(deps, workspaceId, 'email', await deps.settingsOf(workspaceId), 'The email channel is not configured: team alerts need SMTP settings', async (messenger) => {
    for (const [i, to] of input.to.entries()) {
      await messenger.send({
        key: `${input.key}.${i}`,
        channel: 'email',
        class: 'transactional',
        to,
        content: { channel: 'email', subject: input.subject, text: input.text, html: `<pre style="font-family:sans-serif;white-space:pre-wrap">${escapeHtml(input.text)}</pre>` },
        about: { workspaceId, campaignId: '', customerId: '', externalId: null },
      });
    }
  });
}
