import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The browser suite starts barback only through its own helper, which serves the build
    // under test (E2E_CLIENT_DIR) in every file.
    files: ['test/e2e/**'],
    ignores: ['test/e2e/support/e2e-server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/support/server.ts'], importNames: ['startTestServer'], message: 'Use startE2eTestServer or E2eServer.' }] },
      ],
    },
  },
);
