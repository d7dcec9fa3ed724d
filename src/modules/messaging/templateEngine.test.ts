import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncludeTag, LayoutTag, RenderTag } from 'liquidjs';
import { createTemplateEngine, FileTagError, parseTemplate, renderBounded, TemplateLimitError } from './templateEngine.ts';

test('the file tags are refused at parse, wherever they stand', () => {
  const engine = createTemplateEngine();
  for (const [source, tag] of [
    ['{% include "package.json" %}', 'include'],
    ['a {% if x %}{% render "src/config.ts" %}{% endif %}', 'render'],
    ['{% layout "package.json" %}{% block %}{% endblock %}', 'layout'],
    ['{% liquid\n  assign x = 1\n  include "package.json"\n%}', 'include'],
  ] as const) {
    assert.throws(() => parseTemplate(engine, source), (err: unknown) => err instanceof FileTagError && err.tag === tag && /is not allowed/.test(err.message), source);
  }
  assert.throws(() => createTemplateEngine({ tags: { include: IncludeTag } }), /stays refused/);
});

test('the loader behind them opens no file, even with the tags put back', () => {
  const engine = createTemplateEngine();
  assert.throws(() => engine.parseFileSync('package.json'));
  assert.throws(() => engine.renderFileSync('package.json'));
  // Should the tags ever come back (a liquidjs upgrade, a mistake), the loader still has no files.
  engine.registerTag('include', IncludeTag);
  engine.registerTag('render', RenderTag);
  engine.registerTag('layout', LayoutTag);
  for (const source of ['{% include "package.json" %}', '{% render "package.json" %}', '{% layout "package.json" %}', `{% include "${process.cwd()}/package.json" %}`]) {
    assert.throws(
      () => renderBounded(engine, engine.parse(source), {}),
      (err: Error) => !err.message.includes('"name": "kizuna"') && /Failed to lookup|cannot read files/.test(err.message),
      source,
    );
  }
});

test('renders are capped: allocations, time and output', () => {
  const engine = createTemplateEngine();
  const limited = (source: string, scope: object, message: RegExp) =>
    assert.throws(() => renderBounded(engine, parseTemplate(engine, source), scope), (err: unknown) => err instanceof TemplateLimitError && message.test(err.message), source);
  limited('{% for i in (1..100000000) %}x{% endfor %}', {}, /allocates more/);
  const started = performance.now();
  limited('{% for r in items %}'.repeat(20) + '{% endfor %}'.repeat(20), { items: [1, 2, 3] }, /took longer than 1000 ms/);
  assert.ok(performance.now() - started < 5_000);
  limited(`{% for i in (1..2000) %}${'x'.repeat(600)}{% endfor %}`, {}, /output is longer than 1,000,000 characters/);
  limited('{% assign s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}', {}, /output is longer|allocates more|took longer/);
  assert.equal(renderBounded(engine, parseTemplate(engine, '{% for i in (1..3) %}{{ i }}{% endfor %}'), {}), '123');
});

test('a date written as YYYY-MM-DD prints as that day in any server time zone', async () => {
  const saved = process.env.TZ;
  try {
    for (const zone of ['America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
      process.env.TZ = zone;
      const out = await createTemplateEngine().parseAndRender('{{ d | date: "%Y年%-m月%-d日" }} / {{ d | date: "%B %-d, %Y" }}', { d: '2027-01-05' });
      assert.equal(out, '2027年1月5日 / January 5, 2027', zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});
