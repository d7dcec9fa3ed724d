import { Liquid, Tag, type FS, type LiquidOptions, type Template as LiquidTemplate, type TagToken, type TopLevelToken } from 'liquidjs';

/**
 * The one way Kizuna makes a Liquid engine. Templates are written by workspace users, so an engine
 * can neither read a file nor run without bounds:
 * - `include`, `render` and `layout` are refused when a template is parsed (so when it is saved),
 *   and the loader behind them refuses every path, should a template reach it anyway;
 * - parsing, rendering time, allocations and output are capped, so a loop cannot hang a worker.
 */
export const TEMPLATE_LIMITS = {
  /** Characters parsed at once (an email's MJML is at most 500,000 plus the footer). */
  sourceChars: 1_000_000,
  /** Milliseconds per render. */
  renderMs: 1_000,
  /** liquidjs's allocation units (range elements, string lengths of filters) per render. */
  memory: 10_000_000,
  /** Characters one render may produce. */
  outputChars: 1_000_000,
};

export const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** A template tried to use a tag that reads files. */
export class FileTagError extends Error {
  constructor(
    readonly tag: string,
    message = `the "${tag}" tag is not allowed (templates cannot read files)`,
  ) {
    super(message);
  }
}

/** The render caps were exceeded. */
export class TemplateLimitError extends Error {}

class RefusedTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new FileTagError(token.name);
  }

  *render(): Generator<unknown, void, unknown> {}
}

const refuse = (file: string): never => {
  throw new Error(`templates cannot read files (${file})`);
};

/** A loader with no files in it. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => refuse(file),
  readFileSync: refuse,
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};

export interface EngineOptions {
  outputEscape?: LiquidOptions['outputEscape'];
  /** Tags to replace (never a file tag). */
  tags?: Record<string, Parameters<Liquid['registerTag']>[1]>;
}

export function createTemplateEngine(options: EngineOptions = {}): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    // Dates print as written, not shifted into the server's zone: `{{ customer.birthday | date }}`
    // (a plain YYYY-MM-DD) must not become the day before on a server west of Greenwich.
    timezoneOffset: 0,
    outputEscape: options.outputEscape,
    fs: NO_FILES,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    ownPropertyOnly: true,
    parseLimit: TEMPLATE_LIMITS.sourceChars,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
  });
  for (const [name, tag] of Object.entries(options.tags ?? {})) {
    if ((FILE_TAGS as readonly string[]).includes(name)) throw new Error(`the ${name} tag stays refused`);
    engine.registerTag(name, tag);
  }
  for (const name of FILE_TAGS) engine.registerTag(name, RefusedTag);
  return engine;
}

/** Renders within the caps; exceeding one throws a TemplateLimitError that says which. */
export function renderBounded(engine: Liquid, template: LiquidTemplate[], scope: object): string {
  let out: string;
  try {
    out = String(engine.renderSync(template, scope));
  } catch (err) {
    throw limitError(err) ?? err;
  }
  if (out.length > TEMPLATE_LIMITS.outputChars) throw new TemplateLimitError(`the template's output is longer than ${TEMPLATE_LIMITS.outputChars.toLocaleString('en')} characters`);
  return out;
}

function limitError(err: unknown): TemplateLimitError | null {
  const message = (err as Error).message ?? '';
  const cause = (err as { originalError?: Error }).originalError;
  if (message.includes('template render limit exceeded')) return new TemplateLimitError(`the template took longer than ${TEMPLATE_LIMITS.renderMs} ms to render (a loop too large?)`);
  if (message.includes('memory alloc limit exceeded')) return new TemplateLimitError('the template allocates more than the render limit allows (a range or loop too large?)');
  if (err instanceof RangeError || cause instanceof RangeError) return new TemplateLimitError(`the template's output is longer than ${TEMPLATE_LIMITS.outputChars.toLocaleString('en')} characters`);
  return null;
}

/** Parses; a refused tag surfaces as FileTagError, a too-long source as TemplateLimitError. */
export function parseTemplate(engine: Liquid, source: string): LiquidTemplate[] {
  try {
    return engine.parse(source);
  } catch (err) {
    const cause = (err as { originalError?: unknown }).originalError;
    // liquidjs's message adds where the tag is: ', line:3, col:1'.
    if (cause instanceof FileTagError) throw new FileTagError(cause.tag, (err as Error).message);
    if ((err as Error).message?.includes('parse length limit exceeded')) throw new TemplateLimitError(`the template is longer than ${TEMPLATE_LIMITS.sourceChars.toLocaleString('en')} characters`);
    throw err;
  }
}
