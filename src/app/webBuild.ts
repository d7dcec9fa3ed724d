/**
 * Builds the web app (web/ → web/dist) when web/dist is missing or older than a source: `npm ci`
 * builds it (`prepare`), `kizuna serve`/`start` build it when it is missing or stale, and the
 * browser tests test the current sources. The build goes to a scratch directory first and replaces
 * web/dist at the end, so a running server never sees half a build.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT as ROOT } from '../kernel/projectRoot.ts';

const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const STAMP = path.join(DIST, 'index.html');
/** What the bundle is made of (the glossary is compiled in); the lock file stands for the versions of React, Vite and friends. */
const SOURCES = ['web/index.html', 'web/vite.config.ts', 'web/src', 'web/public', 'src/lib/glossary.ts', 'package-lock.json'].map((p) => path.join(ROOT, p));

function newestMtime(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

export function webBuildIsStale(): boolean {
  return !existsSync(STAMP) || statSync(STAMP).mtimeMs < Math.max(...SOURCES.map(newestMtime));
}

/** Builds when stale (or forced); returns whether it built. */
export async function ensureWebBuilt(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webBuildIsStale()) return false;
  const started = new Date();
  const scratch = path.join(WEB, `.dist-${process.pid}`);
  if (!options.quiet) process.stderr.write('Building the web app (web/ → web/dist)…\n');
  try {
    // Vite is loaded only when a build is due: a server with a current build starts without it.
    const { build } = await import('vite');
    await build({ root: WEB, configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: scratch, emptyOutDir: true } });
    rmSync(DIST, { recursive: true, force: true });
    renameSync(scratch, DIST);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Stamped with the start time: a source saved during the build makes the next start build again.
  utimesSync(STAMP, started, started);
  return true;
}
