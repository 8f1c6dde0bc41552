import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@passerelle/platform';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const gateway = await startGateway(config);
  const logger = new Logger('Passerelle');
  logger.log(
    `HTTPS (mutual TLS) on port ${gateway.port} — FHIR at https://localhost:${gateway.port}/fhir`,
  );
  logger.log(
    config.databaseUrl
      ? 'Storage: PostgreSQL (DATABASE_URL)'
      : `Storage: embedded PGlite in ${config.dataDir}/pglite`,
  );
  if (gateway.devPkiDir) {
    logger.log(
      `Development PKI in ${gateway.devPkiDir} (ca.pem, server.pem, persona certificates; see personas.json)`,
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error;
  console.error(message);
  process.exit(1);
});
