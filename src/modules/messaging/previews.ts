/**
 * Previews: what a real customer would receive from a campaign, or from a template not saved yet,
 * rendered with their facts as the worker renders them but with no delivery behind it (no
 * tracking, a placeholder coupon). Apart from the service because it is the one render outside the
 * dispatcher; test sends and proofs (teamSends.ts) send what it renders.
 */
import type { Queryable } from '../../db/database.ts';
import { ValidationError, zodIssues } from '../../kernel/errors.ts';
import type { CustomerService } from '../customers/index.ts';
import type { RecommendationService } from '../recommendations/index.ts';
import type { WorkspaceMessaging } from './dispatch.ts';
import { customerScope, footerLang, loadRecipients, postalOf } from './facts.ts';
import type { Content } from './messenger.ts';
import { compileTemplate, fileTagIssues, templateIssues } from './render.ts';
import { trackingUrls } from './tokens.ts';
import { templateInput, type Campaign, type MessageClass, type RecipientVariableProviders, type Template } from './types.ts';

/** No campaign or delivery has it: an unsaved draft's id, and the delivery id of a preview's links. */
const NO_ROW_ID = '00000000-0000-0000-0000-000000000000';

/** What a preview reads of a campaign (an unsaved draft has as much). */
export type PreviewCampaign = Pick<Campaign, 'id' | 'name' | 'template' | 'class' | 'couponCampaignId'>;

export interface PreviewDeps {
  db: Queryable;
  customers: Pick<CustomerService, 'find'>;
  recommendations: Pick<RecommendationService, 'forCustomer'>;
  /** Per-recipient template variables other modules provide, and their names (which templates may use). */
  variables: RecipientVariableProviders;
  variableNames: readonly string[];
  settingsOf(workspaceId: string): Promise<WorkspaceMessaging>;
}

/** The editor's draft: a template and what the campaign would say around it. */
export interface DraftInput {
  template: Template;
  class: MessageClass;
  couponCampaignId?: string;
  name?: string;
}

/** A draft checked as a save would check it, so errors are 400s naming the field; then previewed like a campaign. */
export async function checkedDraft(input: DraftInput, variableNames: readonly string[]): Promise<PreviewCampaign> {
  const parsed = templateInput.safeParse(input.template);
  if (!parsed.success) throw new ValidationError('Invalid template', zodIssues(parsed.error, ['template']));
  const issues = [...fileTagIssues(parsed.data, ['template']), ...(await templateIssues(parsed.data, ['template'], variableNames))];
  if (issues.length > 0) throw new ValidationError('Invalid template', issues);
  return { id: NO_ROW_ID, name: input.name ?? '', template: parsed.data, class: input.class, couponCampaignId: input.couponCampaignId ?? null };
}

/** The campaign's message for one customer (by id or external id), without tracking. */
export async function renderPreview(deps: PreviewDeps, workspaceId: string, campaign: PreviewCampaign, customerIdOrExternalId: string): Promise<Content> {
  const customer = await deps.customers.find(workspaceId, customerIdOrExternalId);
  const { settings } = await deps.settingsOf(workspaceId);
  const compiled = await compileTemplate(campaign.template, settings, false, deps.variableNames);
  const recipient = (await loadRecipients(deps.db, workspaceId, [customer.id], new Date(), deps.variables)).get(customer.id)!;
  const recommendations = compiled.usesRecommendations ? (await deps.recommendations.forCustomer(workspaceId, customer.id, 3)).data : [];
  return compiled.render(
    {
      customer: customerScope(recipient),
      coupon: campaign.couponCampaignId ? { code: 'PREVIEW-CODE' } : null,
      recommendations: recommendations.map((r) => ({ name: r.product.name, sku: r.product.sku, category: r.product.category, price: r.product.priceMinor })),
      campaign: { id: campaign.id, name: campaign.name },
      sender: { name: settings.sender.name, postal_address: settings.sender.postalAddress },
      // As long as a real link (an unsigned token of the same shape), so an SMS preview counts the parts that are billed.
      unsubscribe_url: campaign.class === 'marketing' ? trackingUrls(settings.publicBaseUrl, 'preview', { workspaceId, deliveryId: NO_ROW_ID }).unsubscribe : null,
      footer_lang: footerLang(recipient),
    },
    { postal: postalOf(recipient) ?? undefined },
  );
}
