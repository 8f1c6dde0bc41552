/** Two projects: pure unit tests beside the code, and integration tests that boot the real app. */
const moduleNameMapper = {
  '^@passerelle/(.*)$': '<rootDir>/libs/$1/src',
  // fhir-kit-client 2.x exports only an `import` condition, which Jest's CommonJS resolver skips.
  '^fhir-kit-client$': '<rootDir>/node_modules/fhir-kit-client/dist/index.js',
};
const transform = {
  '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
};
// fhir-kit-client 2.x ships ES modules only; let ts-jest transpile it to CommonJS.
const transformIgnorePatterns = [
  '/node_modules/(?!(fhir-kit-client|oidc-provider|openid-client|oauth4webapi|jose)/)',
];

module.exports = {
  testTimeout: 60000,
  // A full run once stayed alive after its last test (something of a closed gateway still
  // polling); the run's verdict is what the tests said, so the process ends with it.
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/conformance/**/*.spec.ts',
      ],
      // The portal is a browser app: its own project, compiled with its own tsconfig.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/portal/'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
    },
    {
      displayName: 'portal',
      rootDir: __dirname,
      testMatch: ['<rootDir>/apps/portal/src/**/*.spec.ts'],
      transform: {
        '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/apps/portal/tsconfig.spec.json' }],
      },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
