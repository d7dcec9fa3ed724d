/**
 * `npm test`: starts one embedded PostgreSQL for the whole run (each suite makes its own database
 * in it, a copy of one migrated template), then runs every `*.test.ts` under src/ and web/src/ with node's test
 * runner, several files per process (scripts/testGroups.ts). DATABASE_URL, when set, adds the
 * external server as the second target.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbedded, THROWAWAY_SERVER_FLAGS } from '../src/db/embedded.ts';
import { createTestTemplate, templateVariable, type TestTemplate } from '../src/db/testTemplate.ts';
import { groupTests } from './testGroups.ts';

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const filters = process.argv.slice(2);
const files = ['src', 'web/src'].flatMap(findTests)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-test-'));
const server = await startEmbedded(dataDir, undefined, THROWAWAY_SERVER_FLAGS);
console.log(`embedded PostgreSQL for tests: ${dataDir}`);
console.log(process.env.DATABASE_URL ? `external PostgreSQL: ${new URL(process.env.DATABASE_URL).host}` : 'DATABASE_URL not set: embedded server only');

// Every suite copies one migrated template per server instead of migrating its own database.
const templates: Record<string, TestTemplate> = { [templateVariable('embedded')]: await createTestTemplate(server.url) };
if (process.env.DATABASE_URL) templates[templateVariable('external')] = await createTestTemplate(process.env.DATABASE_URL);
const templateEnv = Object.fromEntries(Object.entries(templates).map(([variable, t]) => [variable, t.name]));

// Naming a reporter replaces node's default one (spec on a terminal, TAP otherwise): kept first.
const reporters = process.env.KIZUNA_TEST_TIMES
  ? [`--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout', `--test-reporter=${path.resolve('scripts/testTimes.js')}`, '--test-reporter-destination=stdout']
  : [];

// One entry file per group, importing its test files in order: node's runner sees one file per process,
// the reporters still name each test's own file.
// Kept after a failed run: a failure reported against a group (a file that cannot load, a process
// that exits non-zero) names its entry, which lists the group's files.
mkdirSync('test-artifacts', { recursive: true });
const entryDir = mkdtempSync(path.resolve('test-artifacts', 'test-groups-'));
const entries = groupTests(files).map((group, i) => {
  const entry = path.join(entryDir, `group-${String(i + 1).padStart(3, '0')}.test.mjs`);
  writeFileSync(entry, group.files.map((f) => `import ${JSON.stringify(pathToFileURL(path.resolve(f)).href)};\n`).join(''));
  return entry;
});

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...entries], {
    stdio: 'inherit',
    // Test sinks (SMTP, webhooks, fake providers) listen on 127.0.0.1: private outbound URLs are
    // allowed for the suite; the outbound guard's own tests turn this off to prove the refusals.
    env: { ...process.env, ...templateEnv, KIZUNA_TEST_EMBEDDED_URL: server.url, KIZUNA_ALLOW_PRIVATE_URLS: '1' },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

for (const t of Object.values(templates)) await t.drop();
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
if (code === 0) rmSync(entryDir, { recursive: true, force: true });
else console.log(`test processes' entry files (each lists its group's test files): ${entryDir}`);
process.exit(code);
