/** `npm run build:web`: builds the web app now, stale or not (src/app/webBuild.ts). */
import { ensureWebBuilt } from '../src/app/webBuild.ts';

await ensureWebBuilt({ force: true });
