import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMANDS, loadCommand, requestedCommand } from './commandTable.ts';

test('the command table lists every file in ./commands, each under the name and summary it registers', async () => {
  const files = readdirSync(new URL('./commands/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(Object.values(COMMANDS).flatMap((c) => c.files).sort(), files);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const program = new Command('kizuna');
    await loadCommand(program, name);
    assert.deepEqual(program.commands.map((c) => c.name()), [name], `commands/${name}.ts registers`);
    assert.equal(program.commands[0]!.description(), entry.summary, `summary of ${name}`);
  }
});

test('requestedCommand finds the command to load, also after `help`, and ignores options and unknown words', () => {
  assert.equal(requestedCommand(['fit', 'bgnbd', '--json']), 'fit');
  assert.equal(requestedCommand(['help', 'campaign']), 'campaign');
  assert.equal(requestedCommand(['--help']), undefined);
  assert.equal(requestedCommand(['constructor']), undefined);
  assert.equal(requestedCommand(['nosuch']), undefined);
  assert.equal(requestedCommand([]), undefined);
});
