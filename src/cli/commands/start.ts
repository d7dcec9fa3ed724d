import type { Command } from 'commander';
import { DEMO_WORKSPACE, ensureDemoWorkspace } from '../../modules/demo/demo.ts';
import { ensureDemoUser } from '../../modules/users/demoUser.ts';
import type { DataDirOption } from '../context.ts';
import { progressBar } from './generate.ts';
import { serve } from './serve.ts';

interface StartOptions extends DataDirOption {
  port?: string;
  host?: string;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start the API and web app with a demo workspace (its data is generated on the first start)')
    .option('--port <port>', 'HTTP port (env PORT)')
    .option('--host <host>', 'address to listen on (env HOST)')
    .option('--data-dir <dir>', 'embedded database directory (env KIZUNA_DATA_DIR)')
    .action(async (opts: StartOptions) => {
      let bar: ReturnType<typeof progressBar>;
      await serve(opts, (services) =>
        ensureDemoWorkspace(services, {
          publicBaseUrl: `http://localhost:${opts.port ?? process.env.PORT ?? 3000}`,
          onGenerate: (customers) => {
            process.stderr.write(
              `Generating the demo workspace: ${customers.toLocaleString('en')} customers over ${DEMO_WORKSPACE.months} months (first start only)…\n`,
            );
            bar = progressBar(customers, 'customers');
          },
          onProgress: (done) => bar?.update(done),
          onGenerated: () => bar?.stop(),
        }).then(async (lines) => [...lines, ...(await ensureDemoUser(services))]),
      );
    });
}
