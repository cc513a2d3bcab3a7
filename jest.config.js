// ESM Jest, as in actions/typescript-action: ts-jest with useESM, run under
// --experimental-vm-modules (see the `test` script).
export default {
  clearMocks: true,
  collectCoverage: false,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js'],
  preset: 'ts-jest',
  reporters: ['default'],
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/dist/', '/node_modules/'],
  globalSetup: './__tests__/support/global-setup.ts',
  // The default timeout of tests and hooks is set there, from PROMOTE_IMAGE_TEST_TIME_SCALE:
  // every bound on time in the suite derives from __tests__/support/timing.ts.
  setupFilesAfterEnv: ['./__tests__/support/setup-timeouts.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: 'tsconfig.json', useESM: true, diagnostics: { warnOnly: false } }
    ]
  },
  verbose: true
}
