import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no database clients,
// no activity implementations (types only). This rule is the fence.
const workflowForbidden = {
  patterns: [
    { group: ['node:*'], message: 'Workflows are deterministic: no Node builtins.' },
    {
      group: ['pg', 'pg-*', '@duckdb/*', 'snowflake-sdk', 'kysely'],
      message: 'Workflows never talk to databases; do it in an activity.',
    },
    {
      group: ['**/activities/*', '**/activities'],
      allowTypeImports: true,
      message: 'Import activities as types only (import type).',
    },
  ],
  paths: [
    'fs',
    'path',
    'os',
    'child_process',
    'crypto',
    'net',
    'http',
    'https',
    'stream',
    'worker_threads',
    'pino',
  ].map((name) => ({
    name,
    message: 'Workflows are deterministic: no Node builtins or loggers.',
  })),
};

// The data path runs one way: source -> extract -> load -> warehouse -> dbt -> publish, over a shared
// kernel (tables config, watermark, source column, identifiers). A layer never imports the layers after it.
const laterLayers = (...layers) => ({
  patterns: [
    {
      group: layers.map((layer) => `**/${layer}/**`),
      message: 'Data flows one way (docs/architecture.md): this layer may not import a later one.',
    },
  ],
});
const layerFences = [
  ['orchestration/src/kernel/**/*.ts', laterLayers('source', 'extract', 'load', 'warehouse', 'dbt', 'temporal', 'cli')],
  ['orchestration/src/extract/**/*.ts', laterLayers('load', 'warehouse', 'dbt', 'temporal', 'cli')],
  ['orchestration/src/load/**/*.ts', laterLayers('dbt', 'temporal', 'cli')],
  ['orchestration/src/warehouse/**/*.ts', laterLayers('extract', 'load', 'dbt', 'temporal', 'cli')],
].map(([files, rule]) => ({ files: [files], rules: { '@typescript-eslint/no-restricted-imports': ['error', rule] } }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.venv/**', 'target/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Activities take one Input object even when they do not read it yet.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment only in orchestration/src/config/.',
        },
      ],
    },
  },
  {
    files: ['orchestration/src/config/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['orchestration/src/temporal/workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowForbidden] },
  },
  ...layerFences,
);
