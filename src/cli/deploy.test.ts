import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Command } from 'commander';
import { loadCommand } from './commandTable.ts';

/** deploy/compose.yaml runs the documented process roles, with flags the CLI has (docs/scale-out.md). */
test('the example deployment runs `kizuna serve --no-worker` ×2 and `kizuna worker` ×2, options the CLI knows', async () => {
  const compose = readFileSync(new URL('../../deploy/compose.yaml', import.meta.url), 'utf8');
  const commands = [...compose.matchAll(/^\s+command: (\[.*\])$/gm)].map((m) => (JSON.parse(m[1]!) as string[]).join(' ')).sort();
  assert.deepEqual(commands, ['kizuna serve --no-worker', 'kizuna serve --no-worker', 'kizuna worker', 'kizuna worker']);

  const program = new Command();
  await loadCommand(program, 'serve');
  await loadCommand(program, 'worker');
  for (const line of commands) {
    const [, name, ...flags] = line.split(' ');
    const cmd = program.commands.find((c) => c.name() === name);
    assert.ok(cmd, `kizuna ${name} exists`);
    for (const flag of flags) assert.ok(cmd.options.some((o) => o.long === flag), `kizuna ${name} takes ${flag}`);
  }
});
