import { relative } from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { workflowBundleFiles, writeWorkflowBundle } from './workflowBundle.js';

// `npm run build` runs this after tsc (node dist/orchestration/src/temporal/bundleWorkflows.js): it
// bundles the compiled workflows once into dist/workflow-bundle.js, with the record of what it was built
// from beside it, so that no worker start runs webpack (workflowBundle.ts). Webpack's report is left out
// of the build's output; its errors are not.
const files = workflowBundleFiles();
const { code, inputs } = await writeWorkflowBundle({ files, logger: new DefaultLogger('WARN') });
process.stdout.write(
  `Workflow bundle: ${relative(files.root, files.codePath)} (${(code.length / 1024 / 1024).toFixed(1)} MB from ${inputs} files)\n`,
);
