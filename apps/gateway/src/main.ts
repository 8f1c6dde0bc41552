import 'reflect-metadata';
import { ConfigError, loadConfig } from '@passerelle/platform';
import { startGateway } from './gateway';

/** The start-up banner is printed whatever LOG_LEVEL says: it is how an operator finds things. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const gateway = await startGateway(config);
  const lines = [
    `Passerelle: HTTPS (mutual TLS) on port ${gateway.port} — FHIR at https://localhost:${gateway.port}/fhir`,
    config.databaseUrl
      ? 'Storage: PostgreSQL (DATABASE_URL)'
      : `Storage: embedded PGlite in ${config.dataDir}/pglite`,
    ...(gateway.devPkiDir
      ? [
          `Development PKI in ${gateway.devPkiDir} (ca.pem, server.pem, persona certificates; see personas.json)`,
        ]
      : []),
  ];
  console.info(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Passerelle could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
