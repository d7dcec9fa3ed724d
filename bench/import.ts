/**
 * `npm run bench:import -- [--lines 1000000] [--encoding sjis|utf8]`
 *
 * Writes an orders CSV of `--lines` order lines (Shift_JIS by default, as Excel saves it in Japan)
 * to a temporary directory, imports it into a fresh database and prints rows/s, wall time and peak
 * RSS (target: under 300 MB for a million lines). The database is a throw-away embedded server, or
 * a fresh database on DATABASE_URL's server when that is set. Asserts nothing.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { importCsv } from '../src/modules/ingest/csv/importer.ts';
import { favorMemoryOverSpeed } from '../src/modules/ingest/csv/memory.ts';
import { benchTargets } from './server.ts';
import { below, noTarget, reportResults } from './results.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    encoding: { type: 'string', default: 'sjis' },
  },
});
const lines = Number(values.lines);
// As `kizuna import` does: this process measures that command's footprint.
favorMemoryOverSpeed();
const sjis = values.encoding !== 'utf8';

const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-bench-import-'));
const file = path.join(dir, 'orders.csv');
const targets = await benchTargets();
const target = targets.find((t) => t.name === 'external') ?? targets[0]!;
try {
  let started = performance.now();
  await writeOrders(file, lines, sjis);
  const bytes = statSync(file).size;
  console.log(`wrote ${lines.toLocaleString('en')} order lines (${(bytes / 1e6).toFixed(1)} MB, ${sjis ? 'Shift_JIS' : 'UTF-8'}) in ${seconds(started)} s`);

  const open = await openDatabase(loadConfig({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.KIZUNA_DATA_DIR }));
  try {
    console.log(`importing into ${target.name === 'external' ? `a fresh database on ${open.where}` : open.where}`);
    const services = createServices(open.db);
    const { workspace } = await services.workspaces.create({ name: 'bench' });
    started = performance.now();
    const summary = await importCsv(services, reportProgress(createReadStream(file, { highWaterMark: 256 * 1024 }), bytes, started), {
      kind: 'orders',
      workspaceId: workspace.id,
    });
    const wall = (performance.now() - started) / 1000;
    const { errors, ...counts } = summary;
    console.log(JSON.stringify({ ...counts, errors: errors.length }));
    const size = `${lines.toLocaleString('en')} lines ${sjis ? 'Shift_JIS' : 'UTF-8'}`;
    reportResults([
      noTarget('CSV import of orders', size, Math.round(summary.imported / wall), 'rows/s'),
      // the 300 MB target is for a million lines: a smaller file is shown, not judged
      lines >= 1_000_000
        ? below('CSV import of orders, peak RSS', size, Math.round(process.resourceUsage().maxRSS / 1024), 'MB', 300)
        : { workload: 'CSV import of orders, peak RSS', size, figure: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB', target: '< 300 MB at 1M lines', met: null },
    ]);
    console.log(
      `import: ${summary.imported.toLocaleString('en')} rows in ${wall.toFixed(1)} s = ${Math.round(summary.imported / wall).toLocaleString('en')} rows/s; ` +
        `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (target < 300 MB)`,
    );
  } finally {
    await open.close();
  }
} finally {
  for (const t of targets) await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

async function* reportProgress(input: AsyncIterable<Buffer>, total: number, since: number): AsyncGenerator<Buffer> {
  let read = 0;
  let last = since;
  for await (const chunk of input) {
    read += chunk.length;
    if (performance.now() - last > 10_000) {
      last = performance.now();
      console.log(`  ${Math.round((100 * read) / total)}% after ${seconds(since)} s, RSS ${Math.round(process.memoryUsage.rss() / 1e6)} MB`);
    }
    yield chunk;
  }
}

/**
 * Orders of 1–4 lines from 100k customers over two years, as a shop export writes them: order-level
 * columns (顧客ID, 合計金額, 送料, ステータス) on every line, amounts with thousands separators.
 */
async function writeOrders(target: string, count: number, shiftJis: boolean): Promise<void> {
  const random = mulberry32(42);
  const products = Array.from({ length: 500 }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(5, '0')}`,
    name: `${['オーガニック', '国産', '限定', '定番'][i % 4]}${['コーヒー豆', '緑茶', 'タオル', 'マグカップ', 'ハンドクリーム'][i % 5]} ${i + 1}`,
    category: ['食品', '日用品', '雑貨', '美容'][i % 4]!,
    price: 300 + Math.floor(random() * 50) * 100,
  }));
  const out = createWriteStream(target);
  const write = async (text: string) => {
    if (!out.write(shiftJis ? iconv.encode(text, 'cp932') : text)) await once(out, 'drain');
  };
  await write('注文番号,顧客ID,購入日,商品コード,商品名,カテゴリ,数量,単価,送料,合計金額,ステータス\r\n');
  const start = Date.UTC(2023, 0, 1);
  let written = 0;
  let order = 0;
  let batch: string[] = [];
  while (written < count) {
    order += 1;
    const lineCount = Math.min(count - written, 1 + Math.floor(random() * 4));
    const customer = `C${String(1 + Math.floor(random() * 100_000)).padStart(6, '0')}`;
    const at = new Date(start + Math.floor(random() * 730 * 86_400_000));
    const date = `${at.getUTCFullYear()}/${String(at.getUTCMonth() + 1).padStart(2, '0')}/${String(at.getUTCDate()).padStart(2, '0')} ${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    const items = Array.from({ length: lineCount }, () => ({ product: products[Math.floor(random() * products.length)]!, quantity: 1 + Math.floor(random() * 3) }));
    const shipping = random() < 0.5 ? 0 : 550;
    const total = items.reduce((sum, i) => sum + i.product.price * i.quantity, shipping);
    const status = random() < 0.03 ? 'キャンセル' : '完了';
    for (const { product, quantity } of items) {
      batch.push(`O${order},${customer},${date},${product.sku},${product.name},${product.category},${quantity},${product.price},${shipping},"${total.toLocaleString('en')}",${status}\r\n`);
    }
    written += lineCount;
    if (batch.length >= 1000) {
      await write(batch.join(''));
      batch = [];
    }
  }
  await write(batch.join(''));
  out.end();
  await once(out, 'finish');
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
