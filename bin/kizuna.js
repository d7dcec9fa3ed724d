#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`, which `npm ci` runs as `prepare`) when it is
// not older than any source file; otherwise the TypeScript sources through tsx's loader, as in
// development, so an edit is never hidden behind a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const entry = new URL('dist/cli/main.js', root);

/** Newest modification time of the non-test TypeScript files under `dir` (0 when there are none). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(url));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(url).mtimeMs);
  }
  return newest;
}

const fresh = process.env.KIZUNA_FROM_SOURCE !== '1' && existsSync(entry) && statSync(entry).mtimeMs >= newestSource(new URL('src/', root));
if (fresh) {
  await import(entry.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
