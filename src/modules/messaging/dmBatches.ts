import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotFoundError } from '../../kernel/errors.ts';

/** A batch id as the paper DM messenger names them: dm-2026-12-06-1a2b3c4d. */
const BATCH_ID = /^dm-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/;
const FILES = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8' } as const;
export type DmBatchFile = keyof typeof FILES;

export interface DmBatch {
  id: string;
  createdAt: Date;
  files: { kind: DmBatchFile; bytes: number }[];
}

/**
 * Where paper DM batches live: `<data dir>/dm-batches/<workspace id>/<batch>.pdf|csv`. No path is
 * configurable by a tenant (it once was, `dm.outputDir`, and could write anywhere the server
 * could); staff fetch the files through the authenticated API instead. Files are written to a
 * temporary name and renamed, so a batch file is whole or absent.
 */
export class DmBatchStore {
  private root: string | undefined;

  /** Without a data directory (tests, benchmarks): a temporary one for this process, made when first needed. */
  constructor(dataDir?: string) {
    this.root = dataDir && path.join(dataDir, 'dm-batches');
  }

  private dir(workspaceId: string): string {
    // Workspace ids are UUIDs; anything else must not become a path.
    if (!/^[0-9a-f-]{36}$/i.test(workspaceId)) throw new Error(`not a workspace id: ${workspaceId}`);
    this.root ??= mkdtempSync(path.join(tmpdir(), 'kizuna-dm-batches-'));
    return path.join(this.root, workspaceId);
  }

  async write(workspaceId: string, batchId: string, files: Record<DmBatchFile, string | Buffer>): Promise<void> {
    if (!BATCH_ID.test(batchId)) throw new Error(`not a batch id: ${batchId}`);
    const dir = this.dir(workspaceId);
    await mkdir(dir, { recursive: true });
    for (const kind of Object.keys(FILES) as DmBatchFile[]) {
      const file = path.join(dir, `${batchId}.${kind}`);
      await writeFile(`${file}.tmp`, files[kind]);
      await rename(`${file}.tmp`, file);
    }
  }

  /** The workspace's batches, newest first. */
  async list(workspaceId: string): Promise<DmBatch[]> {
    const dir = this.dir(workspaceId);
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const batches = new Map<string, DmBatch>();
    for (const name of names) {
      const [id, kind] = [name.replace(/\.(pdf|csv)$/, ''), name.split('.').pop() as DmBatchFile];
      if (!BATCH_ID.test(id) || !(kind in FILES)) continue;
      const info = await stat(path.join(dir, name));
      const batch = batches.get(id) ?? { id, createdAt: info.mtime, files: [] };
      batch.files.push({ kind, bytes: info.size });
      if (info.mtime < batch.createdAt) batch.createdAt = info.mtime;
      batches.set(id, batch);
    }
    return [...batches.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
  }

  /** The file's absolute path and content type; NotFoundError for another workspace's or an unknown batch. */
  async file(workspaceId: string, batchId: string, kind: DmBatchFile): Promise<{ path: string; contentType: string; name: string }> {
    if (!BATCH_ID.test(batchId)) throw new NotFoundError(`DM batch ${batchId} not found`);
    const file = path.join(this.dir(workspaceId), `${batchId}.${kind}`);
    const exists = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) throw new NotFoundError(`DM batch ${batchId} not found`);
    return { path: file, contentType: FILES[kind], name: `${batchId}.${kind}` };
  }
}
