import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from '@passerelle/platform';
import { setFlagsFromString } from 'node:v8';
import { startGateway } from './gateway';
import { builtPortalDirectory } from './portal';

/** The start-up banner is printed whatever LOG_LEVEL says: it is how an operator finds things. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  boundHeapGrowth(config.heapGrowingPercent);
  const gateway = await startGateway(config);
  const lines = [
    `Passerelle: HTTPS (mutual TLS) on port ${gateway.port} — FHIR at https://localhost:${gateway.port}/fhir`,
    ...(gateway.mllpPort === undefined
      ? []
      : [`HL7v2: MLLP over mutual TLS on port ${gateway.mllpPort} (MDM^T02, T10, T11, ORU^R01)`]),
    config.databaseUrl
      ? 'Storage: PostgreSQL (DATABASE_URL)'
      : `Storage: embedded PGlite in ${config.dataDir}/pglite`,
    `Document content encrypted at rest; key-encryption keys in ${config.keyEncryption.kekFile} (keep a copy apart from the backups)`,
    ...(gateway.devPkiDir
      ? [
          `Development PKI in ${gateway.devPkiDir} (ca.pem, server.pem, persona certificates; see personas.json)`,
        ]
      : []),
    builtPortalDirectory()
      ? `Patient portal: ${gateway.issuer}/portal/`
      : 'Patient portal: not built (npm run build:portal), /portal not served',
    `Patients: OpenID Connect at ${gateway.issuer}/.well-known/openid-configuration, enrolment at ${gateway.issuer}/patient/enrol`,
    `Notifications: ${deliveryOf(config)}`,
  ];
  console.info(lines.join('\n'));
}

/**
 * V8 reads this factor at every full collection, so it applies from here on: the process's own,
 * hence set by the entry point, not by `startGateway` (which tests run in their own process).
 */
function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

function deliveryOf({ notifications: { channel } }: AppConfig): string {
  switch (channel.kind) {
    case 'file':
      return `one JSON file each in ${channel.directory} (activation and one-time codes included)`;
    case 'smtp':
      return 'e-mail (NOTIFY_SMTP_URL)';
    case 'log':
      return 'logged, codes masked (set NOTIFY_CHANNEL or NOTIFY_SMTP_URL to deliver them)';
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Passerelle could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
