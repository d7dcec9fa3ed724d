import { v7 } from 'uuid';

/** UUIDv7 everywhere: time-sortable, so new rows land at the end of their indexes. */
export const newId = (): string => v7();
