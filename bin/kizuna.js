#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`) when it is
// not older than any source file; otherwise the TypeScript sources through tsx's loader, as in
// development, so an edit is never hidden behind a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const entry = new URL('dist/cli/main.js', root);

/** Newest modification time of the non-test TypeScript files under `dir` (0 when there are none). String paths: URL objects cost more than the stats. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const fresh = process.env.KIZUNA_FROM_SOURCE !== '1' && existsSync(entry) && statSync(entry).mtimeMs >= newestSource(fileURLToPath(new URL('src', root)));
if (fresh) {
  await import(entry.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
