// @ts-check
/**
 * ESLint flat config: typescript-eslint's type-checked recommendations for the whole tree, Prettier
 * for layout (eslint-config-prettier turns off the rules that would fight it), and the layer
 * boundaries of docs/DESIGN.md as import rules:
 *
 * - lambda/core is the pure product core: no AWS SDK, aws-cdk-lib, constructs, Powertools or Node
 *   built-ins, and nothing from lib/, the handlers or lambda/shared (it may read the settings
 *   contract, lambda/contract, which is dependency-free too);
 * - lib/ (the constructs) reaches lambda/ only through the settings contract (lambda/contract/) and
 *   the core's public entry (lambda/core/index.ts); it imports no script, app or test;
 * - standards rules (lib/standards/rules/) import no construct: nothing from lib/ outside
 *   lib/standards/;
 * - the handlers (lambda/) import nothing from lib/, bin/, scripts/ or test/, and no aws-cdk-lib;
 * - no import circles (import-x/no-cycle; it follows value imports, type-only ones it skips).
 *
 * test/lint/boundaries.test.ts proves that each boundary fires. Prettier (.prettierrc.json, 150 columns) owns
 * the layout; @stylistic/max-len (160) catches the comments and code it cannot wrap.
 */
import eslint from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Packages the pure core must never import (besides Node built-ins, see import-x/no-nodejs-modules). */
const NOT_IN_CORE = [
  {
    group: ['@aws-sdk/*', '@smithy/*', 'aws-sdk', 'aws-sdk/*'],
    message: 'lambda/core is pure: no AWS SDK (handlers call AWS and pass plain data to the core).',
  },
  { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'lambda/core is pure: no CDK (constructs live in lib/).' },
  { group: ['@aws-lambda-powertools/*', 'aws-lambda'], message: 'lambda/core is pure: logging and metrics belong to the handlers.' },
  { group: ['node:*'], message: 'lambda/core is pure: no Node built-ins (read files and clocks in the caller, pass the data in).' },
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'cdk.out/**', 'cdk.out.*/**', 'node_modules/**', 'coverage/**', '.local-run/**', 'API.md'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      // The files import-x parses to follow imports (no-cycle): without these it reads only .js.
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Promises: a handler that forgets an await loses an AWS call's error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Types: one style of type import, so that isolated transpilers (esbuild, ts-jest) drop them.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'error',
      'prefer-const': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './lambda/core',
              from: './lib',
              message: 'lambda/core is the pure core: it imports nothing from the constructs.',
            },
            {
              target: './lambda/core',
              from: './lambda',
              except: ['./core', './contract'],
              message: 'lambda/core is the pure core: it imports nothing from the handlers or lambda/shared (only the settings contract).',
            },
            {
              target: './lib',
              from: './lambda',
              except: ['./contract', './core/index.ts'],
              message:
                "lib/ reaches lambda/ only through the settings contract (lambda/contract/) and the core's public entry (lambda/core/index.ts).",
            },
            {
              target: './lib/standards/rules',
              from: './lib',
              except: ['./standards'],
              message: "A standards rule imports no construct: only lib/standards/ (and aws-cdk-lib's L1 classes).",
            },
            {
              target: ['./lib', './lambda'],
              from: ['./bin', './scripts', './test', './examples'],
              message: 'The package (lib/, lambda/) imports no app, script, example or test.',
            },
            {
              target: './lambda',
              from: './lib',
              message: 'A handler imports nothing from the constructs (it would bundle aws-cdk-lib).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambda/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: NOT_IN_CORE }],
      'import-x/no-nodejs-modules': 'error',
    },
  },
  {
    files: ['lambda/**/*.ts'],
    ignores: ['lambda/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'Handlers run in Lambda: no CDK imports.' }] },
      ],
    },
  },
  {
    // What ships: lib/ and the core may import only what a user's app provides (peer dependencies).
    files: ['lib/**/*.ts', 'lambda/core/**/*.ts', 'lambda/contract/**/*.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, optionalDependencies: false, peerDependencies: true }],
    },
  },
  {
    // Command-line programs and tests print.
    files: ['bin/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'test/**/*.js', 'examples/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read synthesized templates and emulator JSON, which are `any` by nature.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The examples import the published package by name: checked for syntax and style, not types.
    files: ['examples/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  {
    // JavaScript files (configs, the jest reporter, test helpers run by node): syntax and style, no types.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: false, project: null } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
  {
    // Prettier wraps code at printWidth (150) but never splits a string or a comment: this catches
    // what it leaves (long messages are split by hand; strings alone may run long).
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
);
