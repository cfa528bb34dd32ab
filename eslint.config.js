import tseslint from 'typescript-eslint';
import { importGraph } from './scripts/import-graph.mjs';
import { configs as litConfigs } from 'eslint-plugin-lit';
import { configs as wcConfigs } from 'eslint-plugin-wc';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'storybook-static/**',
      'docs-site/**',
      'data/**',
      '.vendor-apps/**',
      'test/vendor/apps/**',
      'packages/domain/src/generated/**',
      'packages/service/src/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  litConfigs['flat/recommended'],
  wcConfigs['flat/recommended'],
  {
    settings: { wc: { elementBaseClasses: ['LitElement'] } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'test/**', '**/*.test.ts', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
  ...importGraph,
);
