/** English strings of this area; ja must translate every one (the type does not allow a gap). */
export const en = {} as const;

export const ja: Record<keyof typeof en, string> = {};
