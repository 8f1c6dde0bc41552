// @ts-check
import eslint from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Dependencies point inward (DESIGN §7): apps → adapters (mhd, xds) → use cases (registry,
 * document-repository, record-management) → core (access-control, audit) → domain. Each lib
 * lists the libs it must not import.
 */
const LAYERS = {
  domain: [
    'access-control',
    'audit',
    'platform',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  'access-control': [
    'platform',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  audit: [
    'access-control',
    'platform',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  platform: [
    'access-control',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  registry: [
    'platform',
    'persistence',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  'document-repository': [
    'platform',
    'persistence',
    'record-management',
    'patient-channel',
    'mhd',
    'xds',
    'testing',
  ],
  'record-management': [
    'platform',
    'persistence',
    'registry',
    'document-repository',
    'mhd',
    'xds',
    'testing',
    'patient-channel',
  ],
  persistence: ['platform', 'mhd', 'xds', 'testing'],
  // The doors translate: the access decision is the use cases' (DESIGN §7).
  mhd: ['access-control', 'persistence', 'xds', 'hl7v2', 'patient-channel', 'testing'],
  xds: ['access-control', 'persistence', 'mhd', 'hl7v2', 'patient-channel', 'testing'],
  hl7v2: ['access-control', 'persistence', 'mhd', 'xds', 'patient-channel', 'testing'],
  // The CDA R2 header as the French profile maps it to metadata: read by the CLI and the HL7v2 door.
  cda: [
    'access-control',
    'audit',
    'platform',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'hl7v2',
    'patient-channel',
    'testing',
  ],
  // IHE DSG signatures (XAdES): verified for the use cases through their port, produced by the CLI.
  signature: [
    'access-control',
    'audit',
    'persistence',
    'registry',
    'document-repository',
    'record-management',
    'mhd',
    'xds',
    'hl7v2',
    'cda',
    'patient-channel',
    'testing',
  ],
  // The patient's identity: translates logins into accounts and tokens, decides no access.
  'patient-channel': [
    'access-control',
    'persistence',
    'registry',
    'document-repository',
    'mhd',
    'xds',
    'testing',
  ],
};

/**
 * The conformance suite (conformance/) is its own package: it reads the gateway's answers with
 * its own code, so that a defect in the gateway's parsers cannot hide itself. It imports nothing
 * of libs/ or apps/, and they import nothing of it (test/ runs it).
 */
const NOT_THE_GATEWAY = {
  regex: '^@passerelle/|(^|/)(libs|apps)(/|$)',
  message:
    'conformance/ is its own package: it may not import the gateway (libs/, apps/), whose defects it must be able to see.',
};
const NOT_THE_SUITE = {
  regex: '(^|/)conformance(/|$)',
  message: 'The gateway may not import the conformance suite (only test/ and libs/testing use it).',
};

const layerRules = Object.entries(LAYERS).map(([lib, forbidden]) => ({
  files: [`libs/${lib}/src/**/*.ts`],
  ignores: ['**/*.spec.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: forbidden.map((name) => `@passerelle/${name}`),
            message: `libs/${lib} may not import this layer (DESIGN §7: dependencies point inward).`,
          },
          {
            group: ['../../*', '../../../*'],
            message: 'Import other libs by their @passerelle alias.',
          },
          NOT_THE_SUITE,
          ...(lib === 'domain'
            ? [
                {
                  group: ['@nestjs/*', 'typeorm', 'express'],
                  message: 'The domain imports nothing.',
                },
              ]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'conformance/dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['conformance/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_GATEWAY] }] },
  },
  // Overridden by the layer rules below for the libs' own files, which repeat NOT_THE_SUITE.
  // libs/testing is test support beside test/: it shares the suite's XDS message builders.
  {
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts'],
    ignores: ['libs/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_SUITE] }] },
  },
  ...layerRules,
  // Plain Node scripts (scripts/, examples/, the suite's command): linted without type information.
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  // The patient portal: a browser app (apps/portal/tsconfig.json, JSX), React's rules of hooks.
  {
    files: ['apps/portal/src/**/*.ts', 'apps/portal/src/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['apps/portal/src/**/*.spec.ts'],
    languageOptions: {
      globals: globals.jest,
      parserOptions: {
        projectService: false,
        project: './apps/portal/tsconfig.spec.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['apps/portal/vite.config.mts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './apps/portal/tsconfig.node.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
);
