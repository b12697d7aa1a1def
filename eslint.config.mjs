import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { dirname, relative, resolve, sep } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * The layering, checked on every relative import: an app never reaches into another app, a lib
 * never into an app, and an app's own code (`apps/<app>/src`, specs aside) reaches nothing outside
 * the app but libs through their `@app/<lib>` alias. Specs, tools and bench may import an app's
 * code and the shared `test/` helpers by path, and everyone takes libs through the aliases
 * (no-restricted-imports below).
 */
const boundaries = {
  rules: {
    'import-boundaries': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const root = import.meta.dirname;
        const [area, unit, part] = relative(root, context.filename).split(sep);
        const isSpec = /\.(int-|e2e-)?spec\.ts$/.test(context.filename);
        const check = (node) => {
          const specifier = node.source?.value;
          if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
          const target = relative(root, resolve(dirname(context.filename), specifier)).split(sep);
          let problem;
          if (area === 'apps' && target[0] === 'apps' && target[1] !== unit) {
            problem = `apps never import each other: apps/${unit} imports apps/${target[1]}`;
          } else if (area === 'libs' && target[0] === 'apps') {
            problem = `libs import nothing from apps: libs/${unit} imports apps/${target[1]}`;
          } else if (area === 'libs' && target[0] === 'libs' && target[1] !== unit) {
            problem = `libs/${unit} imports libs/${target[1]} by path: use @app/${target[1]}`;
          } else if (
            area === 'apps' &&
            part === 'src' &&
            !isSpec &&
            !(target[0] === 'apps' && target[1] === unit)
          ) {
            problem = `apps/${unit}/src imports outside its app (${specifier}): use an @app/<lib> alias`;
          }
          if (problem) context.report({ node: node.source, message: problem });
        };
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
        };
      },
    },
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'coverage/**',
      'reports/**',
      '*.config.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { boundaries },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'boundaries/import-boundaries': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/libs/*/src',
                '**/libs/*/src/**',
                'libs/*/src',
                'libs/*/src/**',
                '@app/*/**',
              ],
              message: 'Import a lib through its alias (@app/<lib>), never a path into its src.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
  },
  prettier,
);
