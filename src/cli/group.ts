import type { Command } from 'commander';

/**
 * The command group `name` (e.g. `campaign`), created if no file registered it yet: lets a group's
 * subcommands live in several files, whatever order they are registered in.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
