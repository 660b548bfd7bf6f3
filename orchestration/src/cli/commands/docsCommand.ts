import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { childProcessEnv, type RebarConfig } from '../../config/config.js';
import { dbtProjectOf } from '../../dbt/dbtProjectChoice.js';
import { DocsError, generateDocs } from '../../dbt/generateDocs.js';
import { loadRebarFile } from '../../kernel/tablesConfig.js';
import { wholeNumber } from '../options.js';

export function registerDocsCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('docs')
    .description(
      'Generate the dbt docs of the published warehouse (relations named as readers see them, e.g. "analytics"."marts"."dim_project") into <state>/dbt-docs; --serve serves them',
    )
    .option('--serve', 'then serve them on 127.0.0.1 (dbt docs serve) until Ctrl-C')
    .option('--port <n>', 'port for --serve', wholeNumber, 8080)
    .action(async (options: { serve?: boolean; port: number }) => {
      const settings = config();
      const choice = dbtProjectOf(loadRebarFile(settings.tablesConfigPath));
      if (choice.projectDir === undefined) throw new DocsError(`No dbt project to document: ${choice.why}.`);
      const outputDir = join(settings.stateDir, 'dbt-docs');
      const docs = await generateDocs({ config: settings, projectDir: choice.projectDir, outputDir });
      process.stdout.write(
        `dbt docs of ${settings.publishedPath} written to ${docs.outputDir}; open ${docs.staticPage} in a browser (no server needed)\n`,
      );
      if (!options.serve) return;
      process.stdout.write(`Serving them at http://127.0.0.1:${options.port} (Ctrl-C stops)\n`);
      const dbt = spawn(
        settings.dbtBin,
        [
          'docs',
          'serve',
          '--project-dir',
          choice.projectDir,
          '--profiles-dir',
          choice.projectDir,
          '--target-path',
          outputDir,
          '--host',
          '127.0.0.1',
          '--port',
          String(options.port),
          '--no-browser',
        ],
        { cwd: choice.projectDir, env: childProcessEnv(), stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const stop = () => dbt.kill('SIGTERM');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const code = await new Promise<number>((resolveExit) => dbt.on('close', (exit) => resolveExit(exit ?? 0)));
      if (code !== 0 && code !== 143)
        throw new DocsError(
          `dbt docs serve stopped with exit code ${code} (is port ${options.port} free? choose another with --port)`,
        );
    });
}
