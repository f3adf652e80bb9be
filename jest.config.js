// One jest run covers unit specs (libs/, src/) and e2e specs (test/); type-checking is done by `tsc` in CI,
// so ts-jest only transpiles (much faster on two cores).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '(libs|src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  testEnvironment: 'node',
  testTimeout: 60000,
  maxWorkers: 2,
};
