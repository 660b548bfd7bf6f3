import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleOptions, bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { findProjectRoot } from '../config/projectRoot.js';

// Webpack-bundling the workflow code takes 1.5-2.5 s on a quiet machine and 7-15 s on a busy one, so
// `npm run build` bundles it once (bundleWorkflows.ts) and workers start from that bundle. A stale
// bundle must never run: beside it we record every file webpack read to build it (the workflow
// modules, everything they import, the Temporal workflow library, package.json files) with its
// SHA-256, and a worker re-hashes them before using it (a few milliseconds). Hashes rather than
// timestamps: a checkout, a copy or `tsc` rewriting an unchanged file moves mtimes without changing
// code, and an edit within the same second would not move them. When anything differs (a workflow
// edited and compiled without `npm run build`, a new SDK installed) the worker bundles afresh from
// what is on disk now, says why in one line of the log, and records the new bundle for the next start.

/** Where one workflow bundle lives, and what it is built from. */
export interface WorkflowBundleFiles {
  /** The workflows module bundled: dist/…/workflows/index.js for the built CLI, index.ts for the sources (tests). */
  workflowsPath: string;
  /** The bundle's code. */
  codePath: string;
  /** Beside it: every file the bundle was built from, with its SHA-256. */
  manifestPath: string;
  /** Recorded paths are relative to this folder, so a moved checkout keeps its bundle. */
  root: string;
  /** What to run to rebuild the bundle; a stale bundle is then a warning (someone skipped it), otherwise routine. */
  rebuildWith?: string;
}

interface BundleManifest {
  workflowsPath: string;
  codeSha256: string;
  /** Relative path -> SHA-256 of every file webpack read, the bundler's own module and the SDK's version. */
  inputs: Record<string, string>;
}

/**
 * The bundle of the workflows beside this module: in dist/ the compiled workflows, bundled by `npm run
 * build` into dist/workflow-bundle.js; run from the TypeScript sources (vitest), the sources, cached in
 * dist/workflow-bundle.sources.js by the first worker that needs it.
 */
export function workflowBundleFiles(root: string = findProjectRoot()): WorkflowBundleFiles {
  const compiled = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  const sources = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
  if (existsSync(compiled))
    return bundleFilesFor(compiled, join(root, 'dist', 'workflow-bundle'), root, 'npm run build');
  if (existsSync(sources)) return bundleFilesFor(sources, join(root, 'dist', 'workflow-bundle.sources'), root);
  throw new Error(`Temporal workflows not found at ${compiled} or ${sources}: run \`npm run build\``);
}

/** The files of a bundle named `base` (base.js and base.json) built from `workflowsPath`. */
export function bundleFilesFor(
  workflowsPath: string,
  base: string,
  root: string,
  rebuildWith?: string,
): WorkflowBundleFiles {
  return { workflowsPath, codePath: `${base}.js`, manifestPath: `${base}.json`, root, rebuildWith };
}

export interface WriteWorkflowBundleInput {
  files: WorkflowBundleFiles;
  /** Told webpack's report and the SDK's "Workflow bundle created" line. */
  logger: Logger;
}

export interface WriteWorkflowBundleOutput {
  code: string;
  /** How many files the bundle was built from (each recorded with its hash). */
  inputs: number;
}

/** Bundles the workflows with webpack (the SDK's bundler) and writes the bundle and its record of inputs. */
export async function writeWorkflowBundle(input: WriteWorkflowBundleInput): Promise<WriteWorkflowBundleOutput> {
  const bundle = await bundleRecordingInputs(input.files, input.logger);
  recordBundle(input.files, bundle);
  return { code: bundle.code, inputs: Object.keys(bundle.manifest.inputs).length };
}

interface RecordedBundle {
  code: string;
  manifest: BundleManifest;
}

async function bundleRecordingInputs(files: WorkflowBundleFiles, logger: Logger): Promise<RecordedBundle> {
  const read = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath: files.workflowsPath,
    logger,
    webpackConfigHook: recordFilesRead(read),
  });
  const inputs: Record<string, string> = {};
  for (const file of [...read, ...bundlerFiles()].sort()) {
    // Webpack also lists the entrypoint it generates in memory and the folders it resolved in.
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    inputs[relative(files.root, file)] = sha256(readFileSync(file));
  }
  return {
    code,
    manifest: { workflowsPath: relative(files.root, files.workflowsPath), codeSha256: sha256(code), inputs },
  };
}

function recordBundle(files: WorkflowBundleFiles, bundle: RecordedBundle): void {
  // Each file is renamed into place whole, so a worker starting meanwhile reads an old or a new file,
  // never half of one; a new manifest beside an old bundle fails the code hash and is rebuilt.
  writeAtomically(files.codePath, bundle.code);
  writeAtomically(files.manifestPath, `${JSON.stringify(bundle.manifest, null, 2)}\n`);
}

export interface LoadWorkflowBundleInput {
  files: WorkflowBundleFiles;
  /** Told the one line saying which bundle a worker uses, and why it bundled when it did. */
  logger: Logger;
}

export interface LoadWorkflowBundleOutput {
  code: string;
  /** `prebuilt`: the recorded bundle, every input unchanged; `bundled`: built now from what is on disk. */
  origin: 'prebuilt' | 'bundled';
  /** Why it was bundled now (what changed), for `bundled`. */
  reason?: string;
}

/** The workflow code a worker runs: the recorded bundle when nothing it was built from changed, else a fresh one. */
export async function loadWorkflowBundle(input: LoadWorkflowBundleInput): Promise<LoadWorkflowBundleOutput> {
  const { files, logger } = input;
  const shown = relative(files.root, files.codePath);
  const checked = checkRecordedBundle(files);
  if (checked.code !== undefined) {
    logger.info(`Workflow bundle: prebuilt ${shown}, its ${checked.inputs} input files unchanged`);
    return { code: checked.code, origin: 'prebuilt' };
  }
  const line = `Workflow bundle ${shown} is not used (${checked.reason}): bundling the workflows from ${relative(files.root, files.workflowsPath)} now`;
  if (files.rebuildWith) logger.warn(`${line}; \`${files.rebuildWith}\` builds it once for every start`);
  else logger.info(line);
  const bundle = await bundleRecordingInputs(files, logger);
  try {
    recordBundle(files, bundle);
  } catch (error) {
    // A read-only dist/ (an image, a shared install) must not stop the worker: it runs the fresh bundle.
    const why = error instanceof Error ? error.message : String(error);
    logger.warn(`Workflow bundle not recorded at ${shown} (${why}): the next start bundles again`);
  }
  return { code: bundle.code, origin: 'bundled', reason: checked.reason };
}

type CheckedBundle = { code: string; inputs: number; reason?: undefined } | { code?: undefined; reason: string };

function checkRecordedBundle(files: WorkflowBundleFiles): CheckedBundle {
  if (!existsSync(files.manifestPath) || !existsSync(files.codePath)) return { reason: 'not built yet' };
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(files.manifestPath, 'utf8')) as BundleManifest;
  } catch {
    return { reason: `${relative(files.root, files.manifestPath)} is unreadable` };
  }
  if (typeof manifest.inputs !== 'object' || manifest.inputs === null)
    return { reason: `${relative(files.root, files.manifestPath)} lists no inputs` };
  if (manifest.workflowsPath !== relative(files.root, files.workflowsPath))
    return { reason: `it was built from ${manifest.workflowsPath}` };
  const recorded = new Set(Object.keys(manifest.inputs));
  for (const file of bundlerFiles()) {
    if (!recorded.has(relative(files.root, file))) return { reason: `${relative(files.root, file)} is not recorded` };
  }
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    const path = resolve(files.root, file);
    if (!existsSync(path)) return { reason: `${file} is gone` };
    if (sha256(readFileSync(path)) !== hash) return { reason: `${file} changed since it was built` };
  }
  const code = readFileSync(files.codePath, 'utf8');
  if (sha256(code) !== manifest.codeSha256) return { reason: 'its code is not the code recorded beside it' };
  return { code, inputs: recorded.size };
}

/**
 * Not read by webpack, yet they decide the bundle: this module (how it bundles) and the installed
 * Temporal worker package (its bundler's webpack configuration, which follows the SDK version).
 */
function bundlerFiles(): string[] {
  return [fileURLToPath(import.meta.url), createRequire(import.meta.url).resolve('@temporalio/worker/package.json')];
}

type WebpackConfiguration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** A webpack plugin that adds every file the compilation read to `read`. */
function recordFilesRead(read: Set<string>): (config: WebpackConfiguration) => WebpackConfiguration {
  return (config) => ({
    ...config,
    plugins: [
      ...(config.plugins ?? []),
      {
        apply: (compiler) => {
          compiler.hooks.done.tap('RebarRecordBundleInputs', (stats) => {
            for (const file of stats.compilation.fileDependencies) read.add(file);
          });
        },
      },
    ],
  });
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
