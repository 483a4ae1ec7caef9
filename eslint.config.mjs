// Lint for correctness first: floating promises, exhaustive switches, strict equality.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Assertion shapes that pass on an error response; see test/support/graphql-expect.ts. */
export const VACUOUS_ASSERTIONS = [
  {
    selector: "CallExpression[callee.name='expect'] > LogicalExpression[operator='??']",
    message:
      'No `??` fallback inside expect(): it makes a failed request look like an empty answer. Assert success first (expectData / expectError), then read the value.',
  },
  {
    selector:
      "CallExpression[callee.name='expect'] > LogicalExpression[operator='||'][right.type=/^(ArrayExpression|ObjectExpression|Literal)$/]",
    message:
      'No `||` fallback inside expect(): it makes a failed request look like an empty answer. Assert success first (expectData / expectError), then read the value.',
  },
  {
    selector: "MemberExpression[property.name='not'] > CallExpression[callee.name='expect'] ChainExpression",
    message:
      'No optional chaining in a negative assertion: `expect(x?.y).not...` passes when x is missing (an error response). Assert success first (expectData), then assert what is absent.',
  },
  {
    selector:
      "MemberExpression[property.name=/^(toBeFalsy|toBeUndefined)$/] > CallExpression[callee.name='expect'] ChainExpression",
    message:
      'No optional chaining before toBeFalsy/toBeUndefined: it passes when the object is missing (an error response). Assert success first (expectData), then the value.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'test/jest/**',
      'web/src/generated/**',
      'test-results/**',
      '*.config.js',
      '*.config.mjs',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'web/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Tests that cannot fail: a fallback or an optional chain inside expect() lets an error
    // response (no data) satisfy a negative assertion. Assert success first (expectData).
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...VACUOUS_ASSERTIONS] },
  },
);
