import { runCli } from './run.ts';

// An error (printed) or help ends the process at once, whatever is still open.
const code = await runCli(process.argv.slice(2));
if (code !== undefined) process.exit(code);
