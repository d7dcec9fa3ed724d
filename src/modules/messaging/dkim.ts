import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { SecretBox } from '../../kernel/secretBox.ts';
import type { MessagingSettings } from './settings.ts';

/** What nodemailer's DKIM option takes: one signature per key. */
export interface DkimSigningKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface DnsRecord {
  type: 'TXT';
  /** The full name to publish (selector._domainkey.domain, _dmarc.domain, the domain). */
  name: string;
  value: string;
  /** The value cut into quoted strings of at most 255 characters, as a zone file or a strict DNS console wants a long TXT record. */
  zoneValue: string;
}

export interface DkimKeyView {
  id: string;
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256';
  bits: number;
  createdAt: Date;
  /** False when the server's KIZUNA_SECRET_KEY no longer opens the private key: mail is then sent without this signature. */
  readable: boolean;
  dnsRecord: DnsRecord;
}

export const dkimKeyInput = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name such as shop.example.jp'),
  selector: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'letters, digits and hyphens, such as kizuna2026')
    .optional()
    .describe('default: kz plus the date, such as kz20261206'),
});
export type DkimKeyInput = z.input<typeof dkimKeyInput>;

const RSA_BITS = 2048;
const sealContext = (workspaceId: string, domain: string, selector: string) => `dkim:${workspaceId}:${domain}:${selector}`;

/** A TXT value in quoted pieces of at most 255 characters (RFC 1035 character-strings). */
export function zoneValue(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}
const record = (name: string, value: string): DnsRecord => ({ type: 'TXT', name, value, zoneValue: zoneValue(value) });

/**
 * DKIM keys per sending domain: generated here (RSA 2048; nodemailer signs rsa-sha256 only), the
 * private key sealed at rest with the server key, the public key printed as the TXT record to
 * publish. Every key of the sender's domain signs (two selectors during a rotation).
 */
export class DkimKeys {
  constructor(
    private readonly db: Queryable,
    private readonly secrets: SecretBox,
  ) {}

  async create(workspaceId: string, input: DkimKeyInput, now = new Date()): Promise<DkimKeyView> {
    const parsed = dkimKeyInput.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid DKIM key', parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
    const { domain } = parsed.data;
    const selector = parsed.data.selector ?? `kz${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
    const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const sealed = this.secrets.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, sealContext(workspaceId, domain, selector));
    const { rows } = await this.db.query(
      `INSERT INTO messaging_dkim_keys (workspace_id, id, domain, selector, algorithm, public_key, private_key_sealed)
       VALUES ($1, $2, $3, $4, 'rsa-sha256', $5, $6) ON CONFLICT (workspace_id, domain, selector) DO NOTHING RETURNING *`,
      [workspaceId, newId(), domain, selector, publicDer, sealed],
    );
    if (!rows[0]) throw new ConflictError(`${domain} already has a key with selector ${selector}: choose another --selector`, 'dkim_selector_taken');
    return this.view(rows[0]);
  }

  async list(workspaceId: string): Promise<DkimKeyView[]> {
    const { rows } = await this.db.query('SELECT * FROM messaging_dkim_keys WHERE workspace_id = $1 ORDER BY domain, created_at DESC, selector', [workspaceId]);
    return rows.map((r) => this.view(r));
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError(`DKIM key ${id} not found`);
    const { rowCount } = await this.db.query('DELETE FROM messaging_dkim_keys WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    if (!rowCount) throw new NotFoundError(`DKIM key ${id} not found`);
  }

  /** The opened keys of `domain`, newest first; a key the server key cannot open is left out (the list shows it as unreadable). */
  async signingKeys(workspaceId: string, domain: string, q: Queryable = this.db): Promise<DkimSigningKey[]> {
    const { rows } = await q.query<{ domain: string; selector: string; private_key_sealed: string }>(
      'SELECT domain, selector, private_key_sealed FROM messaging_dkim_keys WHERE workspace_id = $1 AND domain = $2 ORDER BY created_at DESC, selector',
      [workspaceId, domain.toLowerCase()],
    );
    return rows.flatMap((r) => {
      const privateKey = this.tryOpen(workspaceId, r);
      return privateKey ? [{ domainName: r.domain, keySelector: r.selector, privateKey }] : [];
    });
  }

  /**
   * What to publish for the sender's domain: SPF (the provider's include when the SMTP host is a
   * known one), each DKIM key, and a DMARC policy that starts at p=none (reports only) so a
   * mistake shows in the reports before it costs mail.
   */
  async domainStatus(workspaceId: string, settings: MessagingSettings | undefined) {
    const keys = await this.list(workspaceId);
    const senderDomain = settings?.sender.email.split('@')[1]?.toLowerCase() ?? null;
    if (!senderDomain) return { senderDomain, hasKey: false, keys, records: [] };
    const domainKeys = keys.filter((k) => k.domain === senderDomain);
    return {
      senderDomain,
      hasKey: domainKeys.some((k) => k.readable),
      keys,
      records: [
        { purpose: 'spf' as const, ...record(senderDomain, spfValue(settings?.email?.smtpUrl)) },
        ...domainKeys.map((k) => ({ purpose: 'dkim' as const, ...k.dnsRecord })),
        { purpose: 'dmarc' as const, ...record(`_dmarc.${senderDomain}`, `v=DMARC1; p=none; rua=mailto:dmarc-reports@${senderDomain}; adkim=r; aspf=r`) },
      ],
    };
  }

  private tryOpen(workspaceId: string, r: { domain: string; selector: string; private_key_sealed: string }): string | undefined {
    try {
      return this.secrets.open(r.private_key_sealed, sealContext(workspaceId, r.domain, r.selector));
    } catch {
      return undefined;
    }
  }

  private view(r: Record<string, unknown>): DkimKeyView {
    const domain = r.domain as string;
    const selector = r.selector as string;
    return {
      id: r.id as string,
      domain,
      selector,
      algorithm: 'rsa-sha256',
      bits: RSA_BITS,
      createdAt: r.created_at as Date,
      readable: this.tryOpen(r.workspace_id as string, { domain, selector, private_key_sealed: r.private_key_sealed as string }) !== undefined,
      dnsRecord: record(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${r.public_key as string}`),
    };
  }
}

/** The SPF record: the provider's own include for the big relays, else the SMTP host itself. */
export function spfValue(smtpUrl: string | undefined): string {
  let host = '';
  try {
    host = smtpUrl ? new URL(smtpUrl).hostname.toLowerCase() : '';
  } catch {
    host = '';
  }
  if (host.endsWith('.amazonaws.com')) return 'v=spf1 include:amazonses.com ~all';
  if (host === 'smtp.sendgrid.net' || host.endsWith('.sendgrid.net')) return 'v=spf1 include:sendgrid.net ~all';
  if (host && !/^(localhost|127\.|\[)/.test(host)) return `v=spf1 a:${host} ~all`;
  return 'v=spf1 mx ~all';
}
