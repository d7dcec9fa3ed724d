import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../../db/database.ts';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../../kernel/errors.ts';

/** Larger images make heavy emails (Gmail clips a message above ~102 KB of HTML, images load separately but slowly on phones). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** What email clients display; SVG is left out on purpose (it can carry script). Type → the URL's extension. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

export interface StoredImage {
  id: string;
  contentType: string;
  size: number;
  name: string;
  /** Served without sign-in (emails load it), forever the same bytes: `/media/images/<workspace>/<id>.<ext>`. */
  path: string;
  createdAt: Date;
}

interface Row {
  workspace_id: string;
  id: string;
  content_type: string;
  size: number;
  name: string;
  created_at: Date;
}

const toImage = (r: Row): StoredImage => ({
  id: r.id,
  contentType: r.content_type,
  size: r.size,
  name: r.name,
  path: imagePath(r.workspace_id, r.id, r.content_type),
  createdAt: r.created_at,
});

export const imagePath = (workspaceId: string, id: string, contentType: string) => `/media/images/${workspaceId}/${id}.${IMAGE_TYPES[contentType]}`;

/**
 * The image's real type from its first bytes (magic numbers): the file name and the content type
 * the browser sent are never trusted. `field` names the form field in the 400.
 */
export async function checkImage(bytes: Buffer, field = 'file'): Promise<{ contentType: string }> {
  if (bytes.length === 0) throw new ValidationError('Empty image', [{ path: [field], message: 'the file is empty' }]);
  if (bytes.length > MAX_IMAGE_BYTES) throw new PayloadTooLargeError(`The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !IMAGE_TYPES[detected.mime]) {
    throw new ValidationError('Not a supported image', [{ path: [field], message: `must be a PNG, JPEG, GIF or WebP image${detected ? ` (this file is ${detected.mime})` : ''}` }]);
  }
  return { contentType: detected.mime };
}

/** Content address of an image in a workspace: SHA-256 over the workspace id and the bytes. */
export const imageId = (workspaceId: string, bytes: Buffer) => createHash('sha256').update(workspaceId).update('\0').update(bytes).digest('hex');

/** Images for email templates, per workspace, stored in PostgreSQL and served by content address. */
export class MediaService {
  constructor(private readonly db: Db) {}

  /** Stores the image (once: the same bytes again return the stored one). */
  async upload(workspaceId: string, bytes: Buffer, name = '', field = 'file'): Promise<StoredImage> {
    const { contentType } = await checkImage(bytes, field);
    const id = imageId(workspaceId, bytes);
    // Display name only; control characters and paths stripped.
    const label = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
    const { rows } = await this.db.query<Row>(
      `INSERT INTO media_images (workspace_id, id, content_type, bytes, size, name) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = media_images.name
       RETURNING workspace_id, id, content_type, size, name, created_at`,
      [workspaceId, id, contentType, bytes, bytes.length, label],
    );
    return toImage(rows[0]!);
  }

  /** Newest first, for the editor's image picker. */
  async list(workspaceId: string, limit = 100): Promise<StoredImage[]> {
    const { rows } = await this.db.query<Row>(
      'SELECT workspace_id, id, content_type, size, name, created_at FROM media_images WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT $2',
      [workspaceId, limit],
    );
    return rows.map(toImage);
  }

  /** The bytes behind a public image URL; 404 unless workspace, id and extension all match. */
  async publicImage(workspaceId: string, file: string): Promise<{ id: string; contentType: string; bytes: Buffer }> {
    const m = /^([0-9a-f]{64})\.([a-z]+)$/.exec(file);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(workspaceId);
    const { rows } = m && uuid
      ? await this.db.query<{ content_type: string; bytes: Buffer }>('SELECT content_type, bytes FROM media_images WHERE workspace_id = $1 AND id = $2', [workspaceId, m[1]])
      : { rows: [] };
    const row = rows[0];
    if (!row || IMAGE_TYPES[row.content_type] !== m![2]) throw new NotFoundError('image not found');
    return { id: m![1]!, contentType: row.content_type, bytes: row.bytes };
  }
}
