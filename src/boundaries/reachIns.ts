import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listSources, readSource, ROOT, type SourceFile } from './sourceGraph.ts';

/**
 * The rules of docs/architecture.md ("Layers"), checked over src/:
 * - `app`: nothing below the composition root (flows, modules, analytics, kernel, lib, db) imports
 *   src/app, and nothing below the flows (modules, analytics, kernel, lib, db) imports src/flows;
 * - `import`: a module or a flow imports a module only through its public face (PUBLIC_FACE);
 * - `table`: a module's SQL names only its own tables and the views other modules publish; a flow
 *   names none (it calls services).
 * Tests and their kits (`*.test.ts`, `testKit.ts`, `testData.ts`) are exempt: they may build the whole app.
 */
export type ReachInKind = 'app' | 'import' | 'table';

export interface ReachIn {
  /** The module or layer that reaches (`orders`, `analytics`). */
  from: string;
  kind: ReachInKind;
  /** The imported file (from src/) or the table. */
  target: string;
  /** Where, for the failure message: the first few files. */
  files: string[];
}

/** The one file of a module that others may import: its `index.ts` (service, types, nothing else). */
export const PUBLIC_FACE = ['index.ts'];

const BELOW_APP = new Set(['analytics', 'kernel', 'lib', 'db', 'flows']);
const BELOW_FLOWS = new Set(['analytics', 'kernel', 'lib', 'db']);

/** The module or layer a file belongs to: `src/modules/<m>/…` → m; `src/<layer>/…` → layer. */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  if (parts[1] === 'modules') return parts[2]!;
  return parts.length === 2 ? 'src' : parts[1]!;
}

const isModule = (file: string) => file.startsWith('src/modules/');
const isFlow = (file: string) => file.startsWith('src/flows/');
const isTestCode = (file: string) => /(\.test\.ts|\/test(Kit|Data)\.ts)$/.test(file);

/** Table (and view) → owning module, from each module's migrations. Views are what a module publishes. */
export function tableOwners(): { tables: Map<string, string>; views: Set<string> } {
  const tables = new Map<string, string>();
  const views = new Set<string>();
  const modulesDir = path.join(ROOT, 'src/modules');
  for (const module of readdirSync(modulesDir)) {
    const dir = path.join(modulesDir, module, 'migrations');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    } catch {
      continue;
    }
    for (const f of files) {
      const sql = readFileSync(path.join(dir, f), 'utf8').replace(/--.*$/gm, '');
      for (const m of sql.matchAll(/\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)) tables.set(m[1]!.toLowerCase(), module);
      for (const m of sql.matchAll(/\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)) {
        tables.set(m[1]!.toLowerCase(), module);
        views.add(m[1]!.toLowerCase());
      }
    }
  }
  return { tables, views };
}

/** Table names a string uses as SQL: after FROM, JOIN, INTO, UPDATE, TABLE, COPY, TRUNCATE. */
export function tablesIn(text: string): string[] {
  if (!/\b(SELECT|INSERT|UPDATE|DELETE|COPY|TRUNCATE)\b/i.test(text)) return [];
  return [...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE|COPY|TRUNCATE)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*)\b/gi)].map((m) => m[1]!.toLowerCase());
}

export function findReachIns(sources: SourceFile[] = listSources('src').map(readSource)): ReachIn[] {
  const { tables, views } = tableOwners();
  const found = new Map<string, ReachIn>();
  const note = (from: string, kind: ReachInKind, target: string, file: string) => {
    const key = `${from}|${kind}|${target}`;
    const entry = found.get(key) ?? { from, kind, target, files: [] };
    if (!entry.files.includes(file)) entry.files.push(file);
    found.set(key, entry);
  };
  for (const s of sources) {
    if (isTestCode(s.file)) continue;
    const from = layerOf(s.file);
    const belowApp = isModule(s.file) || BELOW_APP.has(from);
    const belowFlows = isModule(s.file) || BELOW_FLOWS.has(from);
    for (const i of s.imports) {
      if (!i.target) continue;
      const target = i.target.replace(/^src\//, '');
      if ((belowApp && i.target.startsWith('src/app/')) || (belowFlows && isFlow(i.target))) note(from, 'app', target, s.file);
      else if ((isModule(s.file) || isFlow(s.file)) && isModule(i.target) && layerOf(i.target) !== from) {
        const rest = i.target.split('/').slice(3).join('/');
        if (!PUBLIC_FACE.includes(rest)) note(from, 'import', target, s.file);
      }
    }
    if (!isModule(s.file) && !isFlow(s.file)) continue;
    for (const text of s.strings) {
      for (const table of tablesIn(text)) {
        const owner = tables.get(table);
        if (owner && owner !== from && !views.has(table)) note(from, 'table', table, s.file);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.from.localeCompare(b.from) || a.kind.localeCompare(b.kind) || a.target.localeCompare(b.target));
}

export const ALLOWLIST_HEADING = '### Allowed reach-ins';

/**
 * The allowlist table of docs/architecture.md: rows `| from | kind | targets | why |` (modules and
 * targets comma-separated, each may be in backticks; a row stands for every pair), the first table
 * under ALLOWLIST_HEADING.
 */
export function readAllowlist(doc: string): { from: string; kind: string; target: string }[] {
  const start = doc.indexOf(ALLOWLIST_HEADING);
  if (start < 0) return [];
  const rows: { from: string; kind: string; target: string }[] = [];
  const lines = doc.slice(start + ALLOWLIST_HEADING.length).split('\n');
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const unquote = (c: string) => c.trim().replace(/^`|`$/g, '');
    if (cells[0] === 'from' || /^-+$/.test(cells[0] ?? '')) continue;
    for (const from of cells[0]!.split(',')) {
      for (const target of (cells[2] ?? '').split(',')) rows.push({ from: unquote(from), kind: unquote(cells[1]!), target: unquote(target) });
    }
  }
  return rows;
}
