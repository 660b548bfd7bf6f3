/**
 * `npm run bench:render -- <results.json> [--docs <file>] [--section <name>]`: rewrites a section of
 * the markdown report from results a bench run saved, e.g. after the targets the report scores changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { renderMarkdown, type BenchResults } from './harness/report.js';

const program = new Command()
  .name('bench:render')
  .argument('<results>', 'a JSON file from bench/results/')
  .option('--docs <file>', 'markdown report to rewrite', 'docs/benchmarks.md')
  .option('--section <name>', 'the section of the report to rewrite', 'results')
  .parse();
const [resultsFile] = program.args as [string];
const options = program.opts<{ docs: string; section: string }>();
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults;
writeFileSync(options.docs, renderMarkdown(results, resultsFile, options.docs, options.section));
process.stdout.write(`${options.docs}: section ${options.section} from ${resultsFile}\n`);
