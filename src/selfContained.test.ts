/**
 * The repository is self-contained: nothing it runs (sources, tests, benchmarks, scripts, CI) reads
 * a sibling `shared` folder that exists only on the maintainers' machines. Data a test needs is
 * copied into the repository with its attribution (src/analytics/models/fixtures/README.md).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCANNED = ['src', 'bench', 'scripts', 'web/src', 'bin', '.ci', 'package.json'];
/** A parent folder named shared, its data folder, and the same paths spelled as path.join arguments. */
const OUTSIDE = [/\.\.[\\/]shared\b/, /[\\/]shared[\\/]data\b/, /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/, /['"`]shared['"`]\s*,\s*['"`]data['"`]/];
const TEXT = /\.(ts|tsx|js|mjs|cjs|json|md|sh|css|html|yml|yaml)$|^[^.]+$/;

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name === 'dist' ? [] : files(path.join(p, e.name)),
  );
}

test('no source, test, benchmark, script or CI file reads outside the repository (a sibling shared folder)', () => {
  const scanned = SCANNED.flatMap((p) => files(path.join(ROOT, p))).filter((f) => TEXT.test(path.basename(f)));
  assert.ok(scanned.length > 100, `only ${scanned.length} files scanned`);
  const offenders = scanned.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
  );
  assert.deepEqual(offenders, []);
});
