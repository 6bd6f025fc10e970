// Type-aware lint for the whole monorepo (after Temporal's eslint.config.mjs): no floating promises,
// no import cycles (resolved as TypeScript resolves them: `./x.js` is ./x.ts, @isawatt/* is its
// src/ through the "source" condition), no deep or relative imports across packages, gRPC and MQTT
// kept to their transport folders, unit conversions kept to common's units.ts.
// test/lint/lint-guards.test.ts proves the cycle, gRPC and scale-factor rules fire.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import noBareScaleFactor from './eslint-rules/no-bare-scale-factor.js';

/** Where @grpc/* may be imported: the wire stubs and loaders, the agent's link, the coordinator's server and Control client. */
export const GRPC_FOLDERS = [
  'packages/common/src/generated/**',
  'packages/common/src/proto/**',
  'packages/common/src/tls.ts',
  'packages/agent/src/link/**',
  'packages/coordinator/src/server/**',
  'packages/coordinator/src/cli/control-client.ts',
];
/** Where an MQTT client or broker may be imported. */
export const MQTT_FOLDERS = ['packages/coordinator/src/mqtt/**'];

const PACKAGE_BOUNDARIES = [
  { group: ['@isawatt/*/src/*', '@isawatt/*/dist/*'], message: 'import the package entry point, not its files' },
  { group: ['**/packages/agent/**'], message: 'the coordinator and common never import the agent' },
  { group: ['**/packages/coordinator/**'], message: 'the agent and common never import the coordinator' },
];
const GRPC = { regex: '^@grpc/', message: `gRPC stays in its transport folders (${GRPC_FOLDERS.join(', ')})` };
const MQTT = { regex: '^(mqtt|aedes)(/|$)', message: 'MQTT stays in packages/coordinator/src/mqtt/' };
const restrictImports = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/generated/**',
      'functions/**/build/**',
      '**/*.wasm',
      'functions/**',
      // Deliberately cyclic modules the lint guard test lints on their own.
      'test/lint/fixtures/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  importX.flatConfigs.typescript,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: `${import.meta.dirname}/tsconfig.json`,
          conditionNames: ['source', 'types', 'import', 'node', 'default'],
        }),
      ],
    },
    rules: {
      // node:test's test()/describe() return promises the runner tracks itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      'import-x/no-cycle': 'error',
      'import-x/no-relative-packages': 'error',
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
      'no-restricted-imports': restrictImports(...PACKAGE_BOUNDARIES, GRPC, MQTT),
    },
  },
  {
    // Unit conversions in the packages' sources go through units.ts (tests, benchmarks and
    // scripts compute their expected figures by hand, on purpose).
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/common/src/units.ts', '**/*.test.ts', '**/*.test-support.ts'],
    plugins: { isawatt: { rules: { 'no-bare-scale-factor': noBareScaleFactor } } },
    rules: { 'isawatt/no-bare-scale-factor': 'error' },
  },
  { files: GRPC_FOLDERS, rules: { 'no-restricted-imports': restrictImports(...PACKAGE_BOUNDARIES, MQTT) } },
  { files: MQTT_FOLDERS, rules: { 'no-restricted-imports': restrictImports(...PACKAGE_BOUNDARIES, GRPC) } },
  {
    // Tests, scripts and benchmarks: relaxed boundary typing, still no floating promises. They
    // drive whole daemons, so they may reach into any package and any transport.
    files: ['**/*.test.ts', '**/*.test-support.ts', 'test/**', 'bench/**', 'scripts/**', 'eslint-rules/**'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
      'import-x/no-relative-packages': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // CommonJS files load with require() (bin/isawatt.cjs: a CommonJS launcher starts faster).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
