// SPDX-License-Identifier: MIT
// ESLint flat config of the web UI (the root config ignores web/). The UI may import only the
// shared pure wiring model (@gw/wiring) and the v1 DTO types (@gw/api, type-only) from the
// server side: never server, discovery or Node.js code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'host strings are text, never markup (issue #11, "Safe")',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+\\.\\./src/',
              message: 'import server-side code only through @gw/wiring or @gw/api (types)',
            },
            { regex: '^node:', message: 'the web UI runs in the browser' },
          ],
        },
      ],
    },
  },
  {
    files: ['vite.config.ts', 'scripts/**/*.{js,mjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
);
