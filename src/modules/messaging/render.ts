import { describeIssue, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import { escapeHtml } from '../../lib/html.ts';
import { formatPostalCode } from '../../lib/japanese.ts';
import { compileEmailBody } from './emailBody.ts';
import type { Content, PostalRecipient } from './messenger.ts';
import { SAMPLE_POSTAL, SAMPLE_SCOPES, SAMPLE_SENDER } from './sampleScopes.ts';
import type { MessagingSettings } from './settings.ts';
import { createTemplateEngine, FileTagError, parseTemplate, renderBounded } from './templateEngine.ts';
import type { trackingUrls } from './tokens.ts';
import type { Template } from './types.ts';
import type { RenderScope } from './renderScope.ts';

export type { RenderScope };

/** Subjects, SMS, LINE, push, webhook and DM texts are not HTML: their outputs are not escaped (email bodies are, in emailBody.ts). */
const textEngine = createTemplateEngine();


export interface RenderExtras {
  tracking?: ReturnType<typeof trackingUrls>;
  postal?: PostalRecipient;
}

export interface CompiledTemplate {
  /** Whether `recommendations` appears in the template (they cost a query per recipient). */
  usesRecommendations: boolean;
  render(scope: RenderScope, extras?: RenderExtras): Promise<Content>;
}

/** The sender settings the footer needs (validation without a workspace's settings uses a sample). */
type FooterSettings = Pick<MessagingSettings, 'sender'>;

type Path = (string | number)[];

/** A template that cannot be parsed or rendered; the issue's path names the field. */
class TemplateFieldError extends ValidationError {
  constructor(
    path: Path,
    detail: string,
    readonly fileTag: boolean,
  ) {
    const issue = { path: ['template', ...path], message: detail };
    super(`Invalid template: ${describeIssue(issue)}`, [issue]);
  }
}

const fieldError = (path: Path, err: unknown): ValidationError =>
  err instanceof ValidationError ? err : new TemplateFieldError(path, (err as Error).message, err instanceof FileTagError);

function atField<T>(path: Path, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fieldError(path, err);
  }
}

/**
 * Compiles a campaign's template once (Liquid parsed; email bodies cache their compiled MJML per
 * shape), so that each recipient costs a Liquid render. `strict` is for saving a template: MJML is
 * validated and the template is rendered for sample recipients, with and without the optional
 * variables, so that a template that cannot render within the limits is refused then (400).
 * `providedNames` are the recipient variables other modules provide (facts.ts), also seen at the top level.
 */
export async function compileTemplate(template: Template, settings: FooterSettings, strict = false, providedNames: readonly string[] = []): Promise<CompiledTemplate> {
  const compiled = compileChannel(template, settings, strict);
  const out: CompiledTemplate = { usesRecommendations: compiled.usesRecommendations, render: (scope, extras) => compiled.render(withProvidedVariables(scope, providedNames), extras) };
  if (strict) for (const sample of SAMPLE_SCOPES) await out.render(sample, { postal: SAMPLE_POSTAL });
  return out;
}

/** A template's problems (Liquid, MJML, render limits) with paths under `prefix` (the template's own path). */
export async function templateIssues(template: Template, prefix: Path, providedNames: readonly string[] = []): Promise<FieldIssue[]> {
  try {
    await compileTemplate(template, SAMPLE_SENDER, true, providedNames);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return underPrefix(err.issues, prefix);
    throw err;
  }
}

/** Uses of `include`, `render` or `layout`: refused whenever a template is saved, even in a draft. */
export function fileTagIssues(template: Template, prefix: Path): FieldIssue[] {
  try {
    compileChannel(template, SAMPLE_SENDER, false);
    return [];
  } catch (err) {
    return err instanceof TemplateFieldError && err.fileTag ? underPrefix(err.issues, prefix) : [];
  }
}

const underPrefix = (issues: FieldIssue[], prefix: Path) => issues.map((i) => ({ ...i, path: [...prefix, ...i.path.slice(1)] }));

/** Variables other modules provide per recipient arrive in `customer`; templates also see them at the top level. */
function withProvidedVariables(scope: RenderScope, names: readonly string[]): RenderScope {
  return names.length === 0 ? scope : { ...Object.fromEntries(names.map((n) => [n, scope.customer[n] ?? {}])), ...scope };
}

/** A Liquid string of a text channel. */
function textField(source: string, path: Path): (scope: RenderScope) => string {
  const tpl = atField(path, () => parseTemplate(textEngine, source));
  return (scope) => atField(path, () => renderBounded(textEngine, tpl, scope));
}

function compileChannel(template: Template, settings: FooterSettings, strict: boolean): CompiledTemplate {
  const usesRecommendations = JSON.stringify(template).includes('recommendations');
  switch (template.channel) {
    case 'email': {
      const subject = textField(template.subject, ['subject']);
      // The author's Liquid alone first: errors point at their lines, and a body that is not an MJML document yet still has its tags checked.
      atField(['mjml'], () => parseTemplate(textEngine, template.mjml));
      const body = atField(['mjml'], () => compileEmailBody(withFooter(template.mjml, settings), strict));
      return {
        usesRecommendations,
        async render(scope, extras = {}) {
          const { html, text } = await body.render(scope).catch((err: unknown) => Promise.reject(fieldError(['mjml'], err)));
          return { channel: 'email', subject: subject(scope).trim(), html: extras.tracking ? track(html, extras.tracking) : html, text: text.trim() };
        },
      };
    }
    case 'line': {
      const message = template.flex
        ? compileDeep({ type: 'flex', altText: template.altText, contents: template.flex }, [], (key) => (key === 'contents' ? ['flex'] : [key]))
        : compileDeep({ type: 'text', text: template.text }, [], (key) => [key]);
      return { usesRecommendations, render: async (scope) => ({ channel: 'line', messages: [message(scope) as Record<string, unknown>] }) };
    }
    case 'sms': {
      const text = textField(template.text, ['text']);
      return { usesRecommendations, render: async (scope) => ({ channel: 'sms', text: text(scope).trim() }) };
    }
    case 'push': {
      const [title, body, data] = [textField(template.title, ['title']), textField(template.body, ['body']), compileDeep(template.data ?? {}, ['data'])];
      return { usesRecommendations, render: async (scope) => ({ channel: 'push', title: title(scope), body: body(scope), data: data(scope) as Record<string, string> }) };
    }
    case 'webhook': {
      const payload = compileDeep(template.payload, ['payload']);
      return { usesRecommendations, render: async (scope) => ({ channel: 'webhook', payload: payload(scope) as Record<string, unknown> }) };
    }
    case 'dm': {
      const message = textField(template.message, ['message']);
      const card = template.card;
      return {
        usesRecommendations,
        async render(scope, extras = {}) {
          if (!extras.postal) throw new ValidationError('A paper DM needs a postal address', [{ path: ['customer'], message: 'the customer has no complete postal address and name' }]);
          return { channel: 'dm', card, message: message(scope).trim(), couponCode: scope.coupon?.code ?? null, recipient: extras.postal };
        },
      };
    }
  }
}

/**
 * The footer 特定電子メール法 requires of marketing email: the sender's name, 〒 and postal address, a
 * contact for inquiries, and how to unsubscribe (the link is left out of transactional mail, which
 * has no unsubscribe). The template is compiled once for all recipients, so the language is chosen
 * per recipient by Liquid on `footer_lang` (ja for Japanese-speaking customers, English otherwise).
 */
export function withFooter(mjml: string, settings: FooterSettings): string {
  const s = settings.sender;
  const ways = [
    s.contactUrl && `<a href="${literal(s.contactUrl)}">${literal(s.contactUrl)}</a>`,
    s.contactEmail && `<a href="mailto:${literal(s.contactEmail)}">${literal(s.contactEmail)}</a>`,
    s.contactPhone && `TEL ${literal(s.contactPhone)}`,
  ].filter(Boolean).join(' / ');
  const address = `${s.postalCode ? `〒${formatPostalCode(s.postalCode)} ` : ''}${literal(s.postalAddress)}`;
  const lines = (l: { from: string; address: string; contact: string; unsubscribe: string; link: string }) =>
    `${l.from}: ${literal(s.name)}<br/>${l.address}: ${address}${ways ? `<br/>${l.contact}: ${ways}` : ''}
{% if unsubscribe_url %}<br/>${l.unsubscribe}: <a href="{{ unsubscribe_url }}">${l.link}</a>{% endif %}`;
  const ja = lines({ from: '配信元', address: '住所', contact: 'お問い合わせ', unsubscribe: 'このメールの配信停止', link: '配信停止はこちら' });
  const en = lines({ from: 'Sent by', address: 'Address', contact: 'Contact', unsubscribe: 'To stop receiving these emails', link: 'Unsubscribe' });
  const footer = `<mj-section><mj-column><mj-divider border-width="1px" border-color="#dddddd" />
<mj-text font-size="11px" color="#666666" line-height="1.6">{% if footer_lang == 'en' %}${en}{% else %}${ja}{% endif %}</mj-text>
</mj-column></mj-section>`;
  const at = mjml.lastIndexOf('</mj-body>');
  if (at < 0) throw new ValidationError('Invalid MJML', [{ path: ['template', 'mjml'], message: 'an MJML document needs <mj-body>' }]);
  return `${mjml.slice(0, at)}${footer}${mjml.slice(at)}`;
}

/** Settings text in the footer: HTML-escaped, and with its braces as entities so Liquid never reads it as a tag. */
const literal = (s: string) => escapeHtml(s).replaceAll('{', '&#123;').replaceAll('}', '&#125;');

const decodeAttr = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
const encodeAttr = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/** Links through the signed click redirect (our own links excepted), and the open pixel before </body>. */
function track(html: string, tracking: NonNullable<RenderExtras['tracking']>): string {
  // Anchors only: <link href> (web fonts) and the like are not clicks.
  const linked = html.replace(/(<a\b[^>]*?\shref=)"(https?:\/\/[^"]+)"/gi, (whole, head: string, raw: string) => {
    const url = decodeAttr(raw);
    return url.startsWith(tracking.base) ? whole : `${head}"${encodeAttr(tracking.click(url))}"`;
  });
  const pixel = `<img src="${encodeAttr(tracking.open)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const at = linked.lastIndexOf('</body>');
  return at < 0 ? linked + pixel : `${linked.slice(0, at)}${pixel}${linked.slice(at)}`;
}

/**
 * A JSON value whose strings are Liquid templates. `pathOf` maps a top-level key to its field path
 * (a LINE message's `contents` is the template's `flex`).
 */
function compileDeep(value: unknown, path: Path, pathOf: (key: string) => Path = (key) => [...path, key]): (scope: RenderScope) => unknown {
  if (typeof value === 'string') return textField(value, path);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileDeep(v, [...path, i]));
    return (scope) => items.map((f) => f(scope));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileDeep(v, pathOf(k))] as const);
    return (scope) => Object.fromEntries(entries.map(([k, f]) => [k, f(scope)]));
  }
  return () => value;
}
