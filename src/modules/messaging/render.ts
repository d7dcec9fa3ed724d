import { convert } from 'html-to-text';
import { Liquid, type Template as LiquidTemplate } from 'liquidjs';
import mjml2html from 'mjml';
import { ValidationError } from '../../kernel/errors.ts';
import { providedVariableNames } from './facts.ts';
import type { Content, PostalRecipient } from './messenger.ts';
import type { MessagingSettings } from './settings.ts';
import type { trackingUrls } from './tokens.ts';
import type { Template } from './types.ts';
import { escapeHtml } from '../../lib/html.ts';

/** HTML output is escaped (a name with "<" stays text); text channels are not. */
const htmlLiquid = new Liquid({ outputEscape: 'escape', strictFilters: true });
const textLiquid = new Liquid({ strictFilters: true });

/** Headings keep their case (uppercasing would also change Liquid variable names); no wrapping inside tags. */
const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'img', format: 'skip' },
  ],
};

/** What templates see. Keys are snake_case, as Liquid users expect from Shopify. */
export interface RenderScope {
  customer: Record<string, unknown>;
  coupon: { code: string } | null;
  recommendations: { name: string | null; sku: string; category: string | null; price: number | null }[];
  campaign: { id: string; name: string };
  sender: { name: string; postal_address: string };
  unsubscribe_url: string | null;
}

export interface RenderExtras {
  tracking?: ReturnType<typeof trackingUrls>;
  postal?: PostalRecipient;
}

export interface CompiledTemplate {
  /** Whether `recommendations` appears in the template (they cost a query per recipient). */
  usesRecommendations: boolean;
  render(scope: RenderScope, extras?: RenderExtras): Content;
}

/**
 * Compiles a campaign's template once (MJML to HTML, the plain-text alternative from that HTML,
 * Liquid parsed), so that each recipient costs only the Liquid render. `strict` validates the MJML
 * (when a campaign is created); workers skip validation.
 */
export async function compileTemplate(template: Template, settings: MessagingSettings, strict = false): Promise<CompiledTemplate> {
  const compiled = await compileChannel(template, settings, strict);
  return { usesRecommendations: compiled.usesRecommendations, render: (scope, extras) => compiled.render(withProvidedVariables(scope), extras) };
}

/** Variables other modules provide per recipient arrive in `customer`; templates also see them at the top level. */
function withProvidedVariables(scope: RenderScope): RenderScope {
  const names = providedVariableNames();
  return names.length === 0 ? scope : { ...Object.fromEntries(names.map((n) => [n, scope.customer[n] ?? {}])), ...scope };
}

async function compileChannel(template: Template, settings: MessagingSettings, strict: boolean): Promise<CompiledTemplate> {
  const usesRecommendations = JSON.stringify(template).includes('recommendations');
  const parse = (engine: Liquid, source: string, path: string[]): LiquidTemplate[] => {
    try {
      return engine.parse(source);
    } catch (err) {
      throw new ValidationError('Invalid template', [{ path: ['template', ...path], message: (err as Error).message }]);
    }
  };
  const text = (tpl: LiquidTemplate[], scope: RenderScope) => String(textLiquid.renderSync(tpl, scope));

  switch (template.channel) {
    case 'email': {
      const html = await mjmlToHtml(withFooter(template.mjml, settings), strict);
      const htmlTpl = parse(htmlLiquid, html, ['mjml']);
      // The text alternative comes from the compiled HTML with its Liquid still in place, so it is
      // converted once; links become "label [url]".
      const textTpl = parse(textLiquid, convert(html, TEXT_OPTIONS), ['mjml']);
      const subjectTpl = parse(textLiquid, template.subject, ['subject']);
      return {
        usesRecommendations,
        render(scope, extras = {}) {
          let body = String(htmlLiquid.renderSync(htmlTpl, scope));
          if (extras.tracking) body = track(body, extras.tracking);
          return { channel: 'email', subject: text(subjectTpl, scope).trim(), html: body, text: text(textTpl, scope).trim() };
        },
      };
    }
    case 'line': {
      const render = compileDeep(template.flex ? { type: 'flex', altText: template.altText, contents: template.flex } : { type: 'text', text: template.text }, parse, ['flex']);
      return { usesRecommendations, render: (scope) => ({ channel: 'line', messages: [render(scope) as Record<string, unknown>] }) };
    }
    case 'sms': {
      const tpl = parse(textLiquid, template.text, ['text']);
      return { usesRecommendations, render: (scope) => ({ channel: 'sms', text: text(tpl, scope).trim() }) };
    }
    case 'push': {
      const [title, body] = [parse(textLiquid, template.title, ['title']), parse(textLiquid, template.body, ['body'])];
      const data = compileDeep(template.data ?? {}, parse, ['data']);
      return {
        usesRecommendations,
        render: (scope) => ({ channel: 'push', title: text(title, scope), body: text(body, scope), data: data(scope) as Record<string, string> }),
      };
    }
    case 'webhook': {
      const payload = compileDeep(template.payload, parse, ['payload']);
      return { usesRecommendations, render: (scope) => ({ channel: 'webhook', payload: payload(scope) as Record<string, unknown> }) };
    }
    case 'dm': {
      const tpl = parse(textLiquid, template.message, ['message']);
      const card = template.card;
      return {
        usesRecommendations,
        render(scope, extras = {}) {
          if (!extras.postal) throw new Error('paper DM needs a postal address');
          return { channel: 'dm', card, message: text(tpl, scope).trim(), couponCode: scope.coupon?.code ?? null, recipient: extras.postal };
        },
      };
    }
  }
}

async function mjmlToHtml(source: string, strict: boolean): Promise<string> {
  try {
    const out = await mjml2html(source, { validationLevel: strict ? 'strict' : 'skip', minify: false });
    return out.html;
  } catch (err) {
    const e = err as Error & { errors?: { line: number; message: string }[] };
    const issues = (e.errors ?? [{ line: 0, message: e.message }]).map((x) => ({ path: ['template', 'mjml'], message: x.line ? `line ${x.line}: ${x.message}` : x.message }));
    throw new ValidationError('Invalid MJML', issues);
  }
}

/**
 * The footer 特定電子メール法 requires of marketing email: the sender's name and postal address, and
 * how to unsubscribe (the link is left out of transactional mail, which has no unsubscribe).
 */
export function withFooter(mjml: string, settings: MessagingSettings): string {
  const s = settings.sender;
  const contact = s.contactUrl ? `<br/>お問い合わせ: <a href="${escapeHtml(s.contactUrl)}">${escapeHtml(s.contactUrl)}</a>` : '';
  const footer = `<mj-section><mj-column><mj-divider border-width="1px" border-color="#dddddd" />
<mj-text font-size="11px" color="#666666" line-height="1.6">配信元: ${escapeHtml(s.name)}<br/>住所: ${escapeHtml(s.postalAddress)}${contact}
{% if unsubscribe_url %}<br/>このメールの配信停止: <a href="{{ unsubscribe_url }}">配信停止はこちら</a>{% endif %}</mj-text>
</mj-column></mj-section>`;
  const at = mjml.lastIndexOf('</mj-body>');
  if (at < 0) throw new ValidationError('Invalid MJML', [{ path: ['template', 'mjml'], message: 'an MJML document needs <mj-body>' }]);
  return `${mjml.slice(0, at)}${footer}${mjml.slice(at)}`;
}

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

/** A JSON value whose strings are Liquid templates. */
function compileDeep(value: unknown, parse: (e: Liquid, s: string, p: string[]) => LiquidTemplate[], path: string[]): (scope: RenderScope) => unknown {
  if (typeof value === 'string') {
    const tpl = parse(textLiquid, value, path);
    return (scope) => String(textLiquid.renderSync(tpl, scope));
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileDeep(v, parse, [...path, String(i)]));
    return (scope) => items.map((f) => f(scope));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileDeep(v, parse, [...path, k])] as const);
    return (scope) => Object.fromEntries(entries.map(([k, f]) => [k, f(scope)]));
  }
  return () => value;
}
