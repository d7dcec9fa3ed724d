import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { ValidationError, zodIssues } from '../../kernel/errors.ts';
import type { UserService } from '../users/index.ts';

/** At most this many seed addresses per workspace: a list of testers, not an audience. */
export const MAX_SEED_ADDRESSES = 200;

export const seedListInput = z
  .object({ addresses: z.array(z.string().trim().min(1).max(320)).max(MAX_SEED_ADDRESSES) })
  .strict();

/** Emails compare without case; phone numbers without spaces or hyphens; LINE ids and device tokens as given. */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  return a.includes('@') ? a.toLowerCase() : /^\+?[\d\s-]+$/.test(a) ? a.replace(/[\s-]/g, '') : a;
}

/**
 * Where test sends may go: the seed list an admin keeps, plus the sign-in emails of the workspace's
 * own users. Anything else is refused, so a messaging key cannot mail a customer's rendered message
 * (their name, coupon codes, points) to an outside address.
 */
export class SeedList {
  constructor(
    private readonly db: Db,
    private readonly users: Pick<UserService, 'findByEmail'>,
  ) {}

  async get(workspaceId: string): Promise<{ addresses: string[] }> {
    const { rows } = await this.db.query<{ address: string }>('SELECT address FROM messaging_seed_addresses WHERE workspace_id = $1 ORDER BY address', [workspaceId]);
    return { addresses: rows.map((r) => r.address) };
  }

  /** Replaces the whole list (an empty list leaves only the users' own emails). */
  async set(workspaceId: string, input: unknown): Promise<{ addresses: string[] }> {
    const parsed = seedListInput.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid seed list', zodIssues(parsed.error));
    const addresses = [...new Set(parsed.data.addresses.map(normalizeAddress))];
    await this.db.tx(async (tx) => {
      await tx.query('DELETE FROM messaging_seed_addresses WHERE workspace_id = $1', [workspaceId]);
      await tx.query('INSERT INTO messaging_seed_addresses (workspace_id, address) SELECT $1, unnest($2::text[])', [workspaceId, addresses]);
    });
    return this.get(workspaceId);
  }

  /** Throws a 400 naming `to` unless the address is on the seed list or is one of the workspace's users. */
  async assertAllowed(workspaceId: string, to: string): Promise<void> {
    const address = normalizeAddress(to);
    const { rowCount } = await this.db.query('SELECT 1 FROM messaging_seed_addresses WHERE workspace_id = $1 AND address = $2', [workspaceId, address]);
    if (rowCount) return;
    if (address.includes('@') && (await this.users.findByEmail(address))?.workspaceId === workspaceId) return;
    throw new ValidationError('Test sends go only to the workspace\'s users or its seed list', [
      { path: ['to'], message: `${to} is neither a user of this workspace nor on the seed list (an admin sets it: PUT /v1/messaging/seed-list)` },
    ]);
  }
}
