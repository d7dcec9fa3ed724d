import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Encryption at rest for secrets the server must read back (DKIM private keys): AES-256-GCM under
 * one server key, each value bound to its place (`context`, e.g. workspace and row) so a sealed
 * value copied to another row does not open.
 *
 * The key: `KIZUNA_SECRET_KEY` (32 bytes, base64 or hex; `openssl rand -base64 32`). Unset, a
 * development server keeps a generated key in `<data dir>/secret.key` (mode 0600); with
 * NODE_ENV=production it refuses, since a key on the same disk as the database protects little
 * and is lost with the machine. Without a data directory (tests) the key lives in this process only.
 */
export class SecretKeyError extends Error {
  readonly code = 'secret_key_unavailable';
}

const VERSION = 'v1';
let processKey: Buffer | undefined;

export class SecretBox {
  private key: Buffer | undefined;

  constructor(
    private readonly dataDir?: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Where the key comes from, for messages and docs. */
  source(): 'environment' | 'data_dir' | 'process' {
    if (this.env.KIZUNA_SECRET_KEY) return 'environment';
    return this.dataDir ? 'data_dir' : 'process';
  }

  seal(plain: string, context: string): string {
    const key = this.resolveKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, keyId(key), iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  /** The plain text; throws SecretKeyError when another key sealed it or it was altered or moved. */
  open(sealed: string, context: string): string {
    const [version, kid, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !kid || !iv || !tag || body === undefined) throw new SecretKeyError('not a sealed secret');
    const key = this.resolveKey();
    if (kid !== keyId(key)) throw new SecretKeyError(`sealed with key ${kid}, but the server key is ${keyId(key)} (KIZUNA_SECRET_KEY changed?)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError('the sealed secret does not open here (altered, or copied from another row)');
    }
  }

  private resolveKey(): Buffer {
    if (this.key) return this.key;
    const configured = this.env.KIZUNA_SECRET_KEY;
    if (configured) return (this.key = parseKey(configured));
    if (this.env.NODE_ENV === 'production') {
      throw new SecretKeyError('KIZUNA_SECRET_KEY is not set: a production server needs it to store secrets (generate one with `openssl rand -base64 32`)');
    }
    if (!this.dataDir) return (this.key = processKey ??= randomBytes(32));
    const file = path.join(this.dataDir, 'secret.key');
    try {
      return (this.key = parseKey(readFileSync(file, 'utf8').trim()));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    mkdirSync(this.dataDir, { recursive: true });
    const fresh = randomBytes(32);
    // 'wx': two processes starting at once must not each write their own key.
    try {
      writeFileSync(file, `${fresh.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
      return (this.key = fresh);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (this.key = parseKey(readFileSync(file, 'utf8').trim()));
    }
  }
}

function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new SecretKeyError('KIZUNA_SECRET_KEY must be 32 bytes, base64 or hex (`openssl rand -base64 32`)');
  return key;
}

/** A short fingerprint naming the key (never the key): tells "wrong key" from "altered value". */
function keyId(key: Buffer): string {
  return createHash('sha256').update('kizuna-secret-box').update(key).digest('hex').slice(0, 8);
}
