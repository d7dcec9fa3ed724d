import { Xoshiro128 } from '../analytics/random.ts';

/**
 * Mutations of valid request bodies for the hostile-input fuzz test: one random spot of a body gets
 * something a client should never send (and Kizuna must answer with a 4xx, not a 500). Bodies are
 * written by `emit`, not JSON.stringify, so that duplicate keys and raw number tokens (1e400) exist.
 */

/** A JSON token written verbatim (a number JSON.stringify cannot write, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object written with its entries as given, duplicate keys included. */
export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

export function emit(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${emit(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(emit).join(',')}]`;
  if (value !== null && typeof value === 'object') return emit(new Entries(Object.entries(value)));
  return JSON.stringify(value) ?? 'null';
}

/** Mutations that the input gate itself must refuse, naming `path` (relative to the body). */
export type Guarded = { path: (string | number)[] } | undefined;

export interface Mutation {
  kind: string;
  body: unknown;
  /** Set when the answer must be a 400 naming exactly this field. */
  guarded: Guarded;
}

type Path = (string | number)[];

export class Fuzzer {
  private readonly rng: Xoshiro128;

  constructor(seed: number) {
    this.rng = new Xoshiro128(seed);
  }

  int(n: number): number {
    return this.rng.nextUint32() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** One mutation of `body` at a random spot (the root included). */
  mutate(body: unknown): Mutation {
    const spots = listSpots(body);
    const path = this.pick(spots);
    const current = valueAt(body, path);
    const kind = this.pick(KINDS);
    const at = (replacement: unknown, guarded: Guarded = undefined): Mutation => ({ kind, body: replaceAt(body, path, replacement), guarded });
    switch (kind) {
      case 'wrong type':
        return at(this.pick([null, true, false, 0, -1, 1.5, '', 'x', [], {}, [null], { x: 1 }]));
      case 'huge number':
        return at(new Raw(this.pick(['1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '1e-400', '-0', '0.1e309'])));
      case 'lone surrogate': {
        const s = this.pick(['\ud800', '\udfff', 'a\ud83d', '\ude00b']);
        return at(typeof current === 'string' ? current + s : s, { path });
      }
      case 'NUL':
        return at(typeof current === 'string' ? `${current}\u0000` : '\u0000', { path });
      case 'long string':
        return at(this.pick(['x'.repeat(100_000), '𠮷'.repeat(20_000), '\u202e'.repeat(5_000)]));
      case 'odd string':
        return at(this.pick(["'; DROP TABLE customers; --", '%00', '\ufeff', '2024-13-45T25:61:00Z', '+275760-09-13T00:00:00.001Z', '0000-00-00', 'NaN', 'Infinity', '../../etc/passwd', '{{ 7 * 7 }}']));
      case 'too deep': {
        const n = 65 + this.int(5_000);
        return at(new Raw(this.int(2) === 0 ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`), { path: [] });
      }
      case 'deep but allowed':
        // Just under the limit wherever it lands: the rest of the stack must cope with 60 levels.
        return at(new Raw(`${'['.repeat(60 - path.length)}1${']'.repeat(60 - path.length)}`));
      case 'duplicate key':
        return at(new Entries([...entriesOf(current), ['dup', 1], ['dup', this.pick(['x', null, { a: 1 }])], ...entriesOf(current).slice(0, 1)]));
      case 'prototype key': {
        const [key, value, guardedKey] = this.pick([
          ['__proto__', { polluted: true }, ['__proto__']],
          ['constructor', { prototype: { polluted: true } }, ['constructor', 'prototype']],
          ['prototype', { polluted: true }, undefined],
          ['constructor', 'x', undefined],
        ] as const);
        return at(new Entries([...entriesOf(current), [key, value]]), guardedKey ? { path: [...path, ...guardedKey] } : undefined);
      }
      case 'drop field':
        return { kind, body: path.length === 0 ? {} : replaceAt(body, path, DROP), guarded: undefined };
      default:
        return at(new Entries([...entriesOf(current), ['unexpected', 'value']]));
    }
  }
}

const KINDS = [
  'wrong type',
  'huge number',
  'lone surrogate',
  'NUL',
  'long string',
  'odd string',
  'too deep',
  'deep but allowed',
  'duplicate key',
  'prototype key',
  'drop field',
  'extra field',
] as const;

const DROP = Symbol('drop');

function entriesOf(value: unknown): [string, unknown][] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

function listSpots(value: unknown, path: Path = []): Path[] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => listSpots(v, [...path, i])));
  if (value !== null && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => listSpots(v, [...path, k])));
  return here;
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], value);
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === DROP) copy.splice(key as number, 1);
    else copy[key as number] = replaceAt(value[key as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === DROP) delete copy[key as string];
  else copy[key as string] = replaceAt(copy[key as string], rest, replacement);
  return copy;
}
