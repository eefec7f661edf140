// SPDX-License-Identifier: MIT
// ESLint flat config. Layer zones: a layer may import only layers below it (house style §3);
// `npm run lint` fails on an upward import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Layers from the bottom up; a layer may import any layer listed before it. */
const LAYERS = [
  ['util', 'errors', 'model'],
  ['native'],
  ['netlink'],
  ['procfs'],
  ['namespaces'],
  ['network'],
  ['engines'],
  ['decorators'],
  ['discovery'],
  ['api'],
  // analysis reads v1 documents (diff) and names objects by v1 id: it sits above api
  ['analysis', 'store'],
  ['wiring'],
  ['server'],
  ['cli'],
];

/**
 * Regex matching an import of `src/<folder>`. From a file inside a layer folder another layer is
 * always reached through at least one `../` (a `./x` import stays inside the own folder); from a
 * file directly in src/ (errors.ts) it is `./<folder>`.
 */
function importOf(folder, topLevel) {
  return topLevel ? `^\\./(${folder})(\\.js|/.*)?$` : `^(\\.\\./)+(${folder})(\\.js|/.*)?$`;
}

/** An import of anything under test/ (helpers, fixtures) from a file under src/. */
const TEST_SCAFFOLDING = {
  regex: '^(\\.\\./)+test/',
  message: 'product code must not import test/ (test scaffolding does not ship in dist/)',
};

function zoneConfigs() {
  const configs = [];
  LAYERS.forEach((group, rank) => {
    const higher = LAYERS.slice(rank + 1).flat();
    for (const folder of group) {
      // Within the bottom rank: errors imports nothing, util may import errors, model may
      // import errors (for problems) but not util. cli sits above server
      // (`ghostwire serve` starts the server).
      let peers = group.filter((f) => f !== folder);
      if (rank === 0)
        peers = folder === 'errors' ? ['util', 'model'] : folder === 'util' ? ['model'] : ['util'];
      // native and netlink stay below the model in product code and tests alike.
      const extra = folder === 'native' ? ['model', 'util'] : folder === 'netlink' ? ['model'] : [];
      // The wire layer (api) maps the model and nothing else: its product code may import only
      // model and errors (its tests may build their input with the layers below).
      const productOnly = folder === 'api' ? ['util', ...LAYERS.slice(1, rank).flat()] : [];
      const files = folder === 'errors' ? ['src/errors.ts'] : [`src/${folder}/**/*.ts`];
      const patterns = (names) =>
        [...new Set(names)].map((f) => ({
          regex: importOf(f, folder === 'errors'),
          message: `layer '${folder}' must not import '${f}' (imports point down: see docs/architecture.md)`,
        }));
      const forbidden = [...higher, ...peers, ...extra];
      configs.push({
        files,
        rules: { 'no-restricted-imports': ['error', { patterns: patterns(forbidden) }] },
      });
      // Product code (everything but *.test.ts) must not import test scaffolding (test/helpers,
      // it would ship in dist/). ESLint replaces a rule's options per matching config, so this
      // repeats the layer patterns and adds the product-only ones.
      configs.push({
        files,
        ignores: ['src/**/*.test.ts'],
        rules: {
          'no-restricted-imports': [
            'error',
            { patterns: [...patterns([...forbidden, ...productOnly]), TEST_SCAFFOLDING] },
          ],
        },
      });
    }
  });
  return configs;
}

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/', 'web/', 'test/fixtures/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object plus a union type instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No TS namespaces.' },
      ],
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'typeLike', format: ['PascalCase'] },
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: false },
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'bin/*'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  ...zoneConfigs(),
  // Only src/native/load.ts (and embedded.ts, its single-executable half) may load the .node file;
  // sqlite-addon.ts loads better-sqlite3's addon for the history store the same way.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/native/load.ts', 'src/native/embedded.ts', 'src/native/sqlite-addon.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/\\.node$/]',
          message: 'Only src/native/load.ts loads the addon.',
        },
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object plus a union type instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No TS namespaces.' },
      ],
    },
  },
);
