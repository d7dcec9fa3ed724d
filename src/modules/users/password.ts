import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (memory-hard, the OWASP first choice) with OWASP's baseline cost: 19 MiB, 2 passes, 1 lane,
 * about 30 ms here. `@node-rs/argon2` ships prebuilt binaries as per-platform optional packages
 * with no install script, so a fresh `npm ci` works under npm's install-script approval; Node's
 * built-in `crypto.scrypt` would be the zero-dependency fallback. The parameters travel in the
 * PHC string, so raising them later still verifies the old hashes.
 */
// Argon2id is the library's default algorithm (its enum is a const enum, which verbatimModuleSyntax cannot import).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export const verifyPassword = (stored: string, password: string): Promise<boolean> => verify(stored, password).catch(() => false);

let decoy: Promise<string> | undefined;

/** Spends the time of a real check, so a wrong email answers as slowly as a wrong password. */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await decoy, password);
  return false;
}

/** A password to print once (demo user, `kizuna user create` without --password): 4 × 5 characters, ~116 bits. */
export function generatePassword(): string {
  // No 0/O, 1/l/I: it is read off a terminal.
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const group = () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}
