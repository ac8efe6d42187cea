// ESLint: typescript-eslint for the code, import rules for the process boundaries of DESIGN.md.
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

// Bare names too: `import fs from 'fs'` is as much a Node import as 'node:fs'.
const nodeBuiltinsRegex = '^(node:.*|fs(/.*)?|path|os|child_process|http|https|net|crypto|worker_threads|url|util|stream|events)$';

/**
 * main/ in layers, lowest first (DESIGN.md "One engine"): each imports only the layers before it.
 * Test files and main/testing (test helpers) stand beside the layers, not in them.
 */
export const MAIN_LAYERS = JSON.parse(fs.readFileSync(new URL('./scripts/main-layers.json', import.meta.url), 'utf8'));

const layerZones = MAIN_LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./main/${layer}`,
  from: MAIN_LAYERS.slice(i + 1).map((higher) => `./main/${higher}`),
  message: `main/${layer} is below ${MAIN_LAYERS.slice(i + 1).join(', ')}: a lower layer never imports a higher one`,
}));

/**
 * main/nodes/<type>/ is a node type: its spec (spec.ts, pure: the catalog and the editor read it)
 * and its executor (execute.ts, execution code). The specs are vocabulary every layer and the
 * renderer may read; the executors run at the execution layer, paired with the specs by
 * main/nodes/executors.ts, which only the composition root (entry) and tests import.
 */
// Glob `from` zones take their exceptions as globs over absolute paths.
const NODE_SPEC_FILES = ['**/main/nodes/specs.ts', '**/main/nodes/*/spec.ts'];
const nodeZones = [
  {
    target: ['./main/nodes/specs.ts', './main/nodes/*/spec.ts'],
    from: ['./main/**', './workers/**'],
    except: NODE_SPEC_FILES,
    message: 'a node spec is pure vocabulary (the editor imports it): only zod, shared/ and other specs',
  },
  {
    target: ['./main/nodes/*/execute.ts', './main/nodes/executors.ts'],
    from: ['./main/review', './main/entry'],
    message: 'an executor is execution code: it may use the layers up to execution, never review or entry',
  },
  ...MAIN_LAYERS.slice(0, -1).map((layer) => ({
    target: `./main/${layer}`,
    from: './main/nodes/**',
    except: NODE_SPEC_FILES,
    message: `main/${layer} may read node specs only; executors reach the runtime through the registry the composition root builds`,
  })),
];

/** The one folder of main/ that may import electron. */
export const ELECTRON_FOLDER = 'main/entry/electron';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true, project: './tsconfig.json' })],
    },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // An import that does not resolve could slip past the boundary rules below.
      'import-x/no-unresolved': ['error', { ignore: ['^virtual:'] }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './renderer',
              from: './main/**',
              except: NODE_SPEC_FILES,
              message: 'the renderer talks to main only through the contract in shared/ (node specs, pure, are the one exception)',
            },
            { target: './renderer', from: './workers', message: 'the renderer talks to workers only through the contract in shared/' },
            { target: './renderer', from: './resources', message: 'the renderer does not load backend resources' },
            { target: './shared', from: './main', message: 'shared/ is used by both sides and must not depend on main/' },
            { target: './shared', from: './renderer', message: 'shared/ is used by both sides and must not depend on renderer/' },
            { target: './shared', from: './workers', message: 'shared/ must not depend on workers/' },
            { target: './workers', from: './renderer', message: 'workers never import UI code' },
            { target: './workers', from: './main', message: 'workers/ never imports main/: main drives the workers, not the other way' },
            ...layerZones,
            ...nodeZones,
            { target: './main', from: './main/testing', message: 'main/testing holds test helpers: only tests import them' },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: `only ${ELECTRON_FOLDER}/ may import electron` }] },
      ],
    },
  },
  {
    // Tests stand beside the code they test: they may use helpers and build a backend from any layer.
    files: ['**/*.test.ts', 'main/testing/**/*.ts', '**/testing.ts', '**/legacy-testing.ts', '**/testing/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './renderer', from: './main/**', except: NODE_SPEC_FILES, message: 'the renderer talks to main only through the contract in shared/' },
            { target: './shared', from: './renderer', message: 'shared/ is used by both sides and must not depend on renderer/' },
          ],
        },
      ],
    },
  },
  {
    files: [`${ELECTRON_FOLDER}/**/*.ts`],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'shared/**/*.ts', 'main/nodes/specs.ts', 'main/nodes/*/spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'only main/entry/electron/ may import electron' }],
          patterns: [{ regex: nodeBuiltinsRegex, message: 'renderer/, shared/ and node specs run in the browser too: no Node built-ins' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname', 'global'],
    },
  },
);
