import { Command, CommanderError } from 'commander';
import { COMMANDS, loadCommand, requestedCommand } from './commandTable.ts';
import { exitOnError, exitOnUsageError } from './output.ts';

const program = new Command('kizuna')
  .description('Kizuna (絆): retention marketing platform')
  .showHelpAfterError()
  // Inherited by every command added below, so a usage error anywhere reaches the catch (exit 2).
  .exitOverride();

// Only the requested command's module is loaded; otherwise (`kizuna --help`, a typo) every command
// is listed from the table without loading any.
const requested = requestedCommand(process.argv.slice(2));
if (requested) {
  await loadCommand(program, requested);
} else {
  for (const [name, { summary }] of Object.entries(COMMANDS)) program.command(name).description(summary);
}

await program.parseAsync(process.argv).catch((err: unknown) => (err instanceof CommanderError ? exitOnUsageError(err) : exitOnError(err)));
