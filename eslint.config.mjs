// ESLint flat config: typescript-eslint's recommended rules on src/, libs/, test/ and scripts/,
// with Prettier owning formatting.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import moduleBoundaries from './eslint/module-boundaries.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Mail parsing legitimately matches control characters.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  {
    // Benchmarks print their figures.
    files: ['bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The arrows between modules (eslint/module-boundaries.mjs): no other module's entities, repositories,
    // drivers/ or dto/; Tickets uses none of Sync, Mailbox, Mailer, Notifications; common/ and libs/ no module.
    files: ['src/**/*.ts', 'libs/**/*.ts'],
    plugins: { house: moduleBoundaries },
    rules: { 'house/module-boundaries': 'error' },
  },
  {
    // Layering: libs/ is framework-free; protocol libraries live only in their driver folders.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', '**/src/**'] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/mailbox/drivers/**', 'src/mailer/drivers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        // The server serves the built console's files; it never imports its code.
        { paths: ['imapflow', 'nodemailer', 'smtp-server'], patterns: ['**/console/**'] },
      ],
    },
  },
  {
    // The operator console runs in the browser and knows the server only through its HTTP API.
    files: ['console/src/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/src/**', '**/libs/**', '@nestjs/*', 'node:*'] }] },
  },
  {
    files: ['src/mailbox/drivers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['nodemailer'] }] },
  },
  {
    files: ['src/mailer/drivers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['imapflow'] }] },
  },
);
