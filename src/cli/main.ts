import { readdirSync } from 'node:fs';
import { Command } from 'commander';
import { exitOnError } from './output.ts';

/**
 * Every file in ./commands exports `register(program)`; discovering them keeps this file
 * free of edits when a module adds a command group.
 */
const program = new Command('kizuna')
  .description('Kizuna (絆): retention marketing platform')
  .showHelpAfterError();

const dir = new URL('./commands/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { register(p: Command): void };
  mod.register(program);
}

await program.parseAsync(process.argv).catch(exitOnError);
