import { Command, CommanderError } from 'commander';
import { COMMANDS, loadCommand, requestedCommand } from './commandTable.ts';
import { cliIo, errorExitCode, usageExitCode, withCliIo, type CliIo } from './output.ts';

/**
 * Runs `kizuna …args`. Resolves with the code to exit with at once (an error was printed, or help
 * shown), or undefined when the command finished: the process then ends when idle, with
 * exitCodeAtEnd's code if a command set one.
 */
export async function runCli(args: readonly string[]): Promise<number | undefined> {
  const program = new Command('kizuna')
    .description('Kizuna (絆): retention marketing platform')
    .showHelpAfterError()
    // Inherited by every command added below, so a usage error anywhere reaches the catch (exit 2).
    .exitOverride()
    // Inherited too: help and parse errors go where the command's output goes (cliIo).
    .configureOutput({ writeOut: (text) => cliIo().stdout.write(text), writeErr: (text) => cliIo().stderr.write(text) });

  // Only the requested command's module is loaded; otherwise (`kizuna --help`, a typo) every command
  // is listed from the table without loading any.
  const requested = requestedCommand(args);
  if (requested) {
    await loadCommand(program, requested);
  } else {
    for (const [name, { summary }] of Object.entries(COMMANDS)) program.command(name).description(summary);
  }

  try {
    await program.parseAsync(args, { from: 'user' });
    return undefined;
  } catch (err) {
    return err instanceof CommanderError ? usageExitCode(err) : errorExitCode(err);
  }
}

/** `kizuna …args` inside this process with `io`'s environment and streams (tests); resolves with the exit code. */
export function runCliWith(io: CliIo): Promise<number> {
  return withCliIo(io, async () => (await runCli(io.args)) ?? io.exitCode ?? 0);
}
