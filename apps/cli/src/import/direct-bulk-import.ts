import { AccessControl, HabilitationMatrix } from '@passerelle/access-control';
import { AuditTrail } from '@passerelle/audit';
import { BulkImport } from '@passerelle/document-repository';
import {
  Database,
  PostgresAccessStateStore,
  PostgresAuditStore,
  PostgresProfessionalDirectory,
  PostgresRegistryReader,
  PostgresRegistryStore,
} from '@passerelle/persistence';
import type { AppConfig } from '@passerelle/platform';
import { SubmissionRegistrar } from '@passerelle/registry';
import { habilitationMatrix } from '../../../gateway/src/habilitation-matrix';
import { openCliDatabase } from '../cli-database';

/** Records of a batch written side by side on PostgreSQL (PGlite has a single connection). */
const IMPORT_CONNECTIONS = 4;

/**
 * The bulk import use case on the gateway's own database (DATABASE_URL, else PGlite), wired
 * with the gateway's stores and configuration: the same habilitation matrix, value-set policy,
 * repository id and content encryption as ITI-65 on that gateway.
 */
export async function openBulkImport(
  config: AppConfig,
): Promise<{ bulkImport: BulkImport; database: Database }> {
  const database = await openCliDatabase(
    config,
    { createDatabase: false },
    'stop the gateway first, or use PostgreSQL (DATABASE_URL)',
    config.databaseUrl ? IMPORT_CONNECTIONS : 1,
  );
  const { dataSource, dataKeys } = database;
  const store = new PostgresRegistryStore(dataSource, dataKeys, !database.embedded);
  const reader = new PostgresRegistryReader(dataSource);
  const auditTrail = new AuditTrail(new PostgresAuditStore(dataSource));
  const access = new AccessControl(
    new PostgresAccessStateStore(dataSource),
    new PostgresProfessionalDirectory(dataSource),
    new HabilitationMatrix(habilitationMatrix(config.habilitationMatrixFile)),
  );
  const registrar = new SubmissionRegistrar(
    store,
    reader,
    reader,
    auditTrail,
    config.valueSetPolicy,
  );
  const bulkImport = new BulkImport(access, registrar, auditTrail, store, {
    repositoryUniqueId: config.repositoryUniqueId,
    signaturePolicy: config.signaturePolicy,
  });
  return { bulkImport, database };
}
