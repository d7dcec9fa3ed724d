import type { Area } from './area.ts';
import { area as campaigns } from './campaigns/area.tsx';
import { area as feedback } from './feedback/area.tsx';
import { area as insights } from './insights/area.tsx';
import { area as journeys } from './journeys/area.tsx';
import { area as loyalty } from './loyalty/area.tsx';
import { area as outbox } from './outbox/area.tsx';
import { area as segments } from './segments/area.tsx';
import { area as settings } from './settings/area.tsx';
import { area as ugc } from './ugc/area.tsx';

/** The domain areas of the web app; pages.tsx and nav.ts gather their pages and links. */
export const AREAS: Area[] = [insights, segments, campaigns, outbox, journeys, loyalty, feedback, ugc, settings];
