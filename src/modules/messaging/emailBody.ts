import { createHash, randomBytes } from 'node:crypto';
import { convert } from 'html-to-text';
import { CaptureTag, filters, type Context, type Template as LiquidTemplate } from 'liquidjs';
import { ValidationError } from '../../kernel/errors.ts';
import { createTemplateEngine, parseTemplate, renderBounded } from './templateEngine.ts';

/**
 * An email body: MJML with Liquid in it. Liquid runs first, then MJML compiles what it produced, so
 * Liquid control flow between MJML components (`{% if coupon %}<mj-text>…</mj-text>{% endif %}`)
 * keeps its meaning: MJML drops any text it finds between components, tags included.
 *
 * Compiling MJML for every message would cost about 2 ms each. Instead Liquid's outputs (`{{ … }}`)
 * are rendered as placeholders, so the MJML handed to the compiler depends only on the control flow
 * taken (with or without a coupon, how many recommendations): each such shape is compiled once and
 * cached, and each message's escaped values are put into the compiled HTML and the text part.
 */

/** Placeholders carry a per-process nonce, so no customer's data can forge one. */
const MARK = `kz${randomBytes(5).toString('hex')}o`;
const PLACEHOLDER = new RegExp(`${MARK}(\\d+)z`, 'gi');
/** Distinct shapes kept per template (a miss costs one MJML compile). */
const MAX_SHAPES = 64;

/** The outputs of the render in progress (renders are synchronous, so one at a time). */
let outputs: string[] | null = null;
let captureDepth = 0;

/** liquidjs's own escape (it counts against the render's memory limit through `this`). */
const liquidEscape = filters.escape as (this: unknown, value: unknown) => string;

/** HTML-escapes an output and, while a shape is being rendered, leaves a placeholder for it. */
function deferredEscape(this: unknown, value: unknown): string {
  const escaped = liquidEscape.call(this, value);
  if (!outputs || captureDepth > 0) return escaped;
  return `${MARK}${outputs.push(escaped) - 1}z`;
}

/** Inside `capture` outputs stay real values: the captured text may be tested (`== ""`) or measured. */
class ValueCapture extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    captureDepth++;
    try {
      yield* super.render(ctx);
    } finally {
      captureDepth--;
    }
  }
}

const engine = createTemplateEngine({ outputEscape: deferredEscape, tags: { capture: ValueCapture } });

/** Headings keep their case (uppercasing would also change placeholders); no wrapping inside tags. */
const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'img', format: 'skip' },
  ],
};

interface Shape {
  html: string;
  text: string;
}

export interface EmailBody {
  html: string;
  text: string;
}

export interface CompiledEmailBody {
  render(scope: object): Promise<EmailBody>;
}

/** Parses the Liquid once; `strict` validates the MJML of every shape (when a template is saved). */
export function compileEmailBody(mjml: string, strict = false): CompiledEmailBody {
  const template = parseTemplate(engine, mjml);
  const shapes = new Map<string, Promise<Shape | null>>();
  return {
    async render(scope) {
      const { skeleton, values } = renderShape(template, scope);
      const key = createHash('sha256').update(skeleton).digest('base64');
      let shape = shapes.get(key);
      if (!shape) {
        shape = compileShape(skeleton, values.length, strict);
        shapes.set(key, shape);
        if (shapes.size > MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
      }
      const compiled = await shape;
      if (!compiled) {
        // MJML transformed a placeholder (a value inside an attribute it computes with): compile this message as it is.
        const html = await mjmlToHtml(renderBounded(engine, template, scope), strict);
        return { html, text: convert(html, TEXT_OPTIONS) };
      }
      return { html: fill(compiled.html, values, false), text: fill(compiled.text, values, true) };
    },
  };
}

function renderShape(template: LiquidTemplate[], scope: object): { skeleton: string; values: string[] } {
  const values: string[] = [];
  outputs = values;
  captureDepth = 0;
  try {
    return { skeleton: renderBounded(engine, template, scope), values };
  } finally {
    outputs = null;
  }
}

/** The shape's HTML and text part; null when MJML lost a placeholder (the values must go through MJML). */
async function compileShape(skeleton: string, placeholders: number, strict: boolean): Promise<Shape | null> {
  const html = await mjmlToHtml(skeleton, strict);
  const kept = new Set([...html.matchAll(PLACEHOLDER)].map((m) => m[1]));
  if (kept.size < placeholders) return null;
  return { html, text: convert(html, TEXT_OPTIONS) };
}

const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|#34|#39);/g, (m) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'" })[m]!);

function fill(shape: string, values: string[], text: boolean): string {
  return shape.replace(PLACEHOLDER, (_, i: string) => (text ? unescapeHtml(values[Number(i)]!) : values[Number(i)]!));
}

export async function mjmlToHtml(source: string, strict: boolean): Promise<string> {
  // Imported on first use (the module cache keeps it): MJML takes most of a second to load, which every
  // process that builds the services (server, CLI command, test file) would otherwise pay without an email.
  const { default: mjml2html } = await import('mjml');
  try {
    // `fonts: {}`: MJML would otherwise link Google Fonts (Ubuntu) into every email, a third-party
    // request per open that Japanese text does not use; an author's own <mj-font> still works.
    const out = await mjml2html(source, { validationLevel: strict ? 'strict' : 'skip', minify: false, fonts: {} });
    return out.html;
  } catch (err) {
    const e = err as Error & { errors?: { line: number; message: string }[] };
    const issues = (e.errors ?? [{ line: 0, message: e.message }]).map((x) => ({ path: ['template', 'mjml'], message: x.line ? `line ${x.line}: ${x.message}` : x.message }));
    throw new ValidationError('Invalid MJML', issues);
  }
}
