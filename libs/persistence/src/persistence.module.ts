import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_STATE_STORE, PROFESSIONAL_DIRECTORY } from '@passerelle/access-control';
import { AUDIT_STORE, NOTIFICATION_OUTBOX } from '@passerelle/audit';
import { CONTENT_STORE } from '@passerelle/document-repository';
import { PATIENT_RECORD_STORE, REGISTRY_STORE, STORED_QUERY_STORE } from '@passerelle/registry';
import { DataSource } from 'typeorm';
import { Database, DatabaseOptions, openDatabase } from './database';
import { PostgresAccessStateStore } from './postgres-access-state-store';
import { PostgresAuditStore } from './postgres-audit-store';
import { PostgresProfessionalDirectory } from './postgres-professional-directory';
import { PostgresStoredQueryStore } from './postgres-stored-query-store';
import { PostgresRegistryStore } from './postgres-registry-store';

const DATABASE = Symbol('Database');

class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly database: Database) {}

  onApplicationShutdown(): Promise<void> {
    return this.database.close();
  }
}

/** Opens (and migrates) the database at boot and provides the storage ports. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: DATABASE, useFactory: () => openDatabase(options) },
        {
          provide: DataSource,
          useFactory: (database: Database) => database.dataSource,
          inject: [DATABASE],
        },
        {
          provide: DatabaseLifecycle,
          useFactory: (database: Database) => new DatabaseLifecycle(database),
          inject: [DATABASE],
        },
        PostgresRegistryStore,
        { provide: REGISTRY_STORE, useExisting: PostgresRegistryStore },
        { provide: PATIENT_RECORD_STORE, useExisting: PostgresRegistryStore },
        { provide: CONTENT_STORE, useExisting: PostgresRegistryStore },
        PostgresStoredQueryStore,
        { provide: STORED_QUERY_STORE, useExisting: PostgresStoredQueryStore },
        PostgresProfessionalDirectory,
        { provide: PROFESSIONAL_DIRECTORY, useExisting: PostgresProfessionalDirectory },
        PostgresAccessStateStore,
        { provide: ACCESS_STATE_STORE, useExisting: PostgresAccessStateStore },
        PostgresAuditStore,
        { provide: AUDIT_STORE, useExisting: PostgresAuditStore },
        { provide: NOTIFICATION_OUTBOX, useExisting: PostgresAuditStore },
      ],
      exports: [
        DataSource,
        REGISTRY_STORE,
        PATIENT_RECORD_STORE,
        CONTENT_STORE,
        STORED_QUERY_STORE,
        PROFESSIONAL_DIRECTORY,
        ACCESS_STATE_STORE,
        AUDIT_STORE,
        NOTIFICATION_OUTBOX,
      ],
    };
  }
}
