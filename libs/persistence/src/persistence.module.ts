import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import {
  ACCESS_STATE_STORE,
  DIRECTORY_SEARCH,
  PROFESSIONAL_DIRECTORY,
} from '@passerelle/access-control';
import { AUDIT_STORE, NOTIFICATION_OUTBOX } from '@passerelle/audit';
import { CONTENT_LOCATOR, CONTENT_STORE } from '@passerelle/document-repository';
import {
  ACCESS_DECISIONS_READER,
  ACCESS_STATE_WRITER,
  LIFECYCLE_JOB_STORE,
  PATIENT_RECORD_STORE,
  RECORD_LIFECYCLE_STORE,
} from '@passerelle/record-management';
import { LOGIN_THROTTLE, OIDC_STORE, PATIENT_ACCOUNT_STORE } from '@passerelle/patient-channel';
import { DOCUMENT_LOCATOR, REGISTRY_READER, REGISTRY_WRITER } from '@passerelle/registry';
import { DataSource } from 'typeorm';
import { Database, DatabaseOptions, openDatabase } from './database';
import { PatientDataKeys } from './encryption/patient-data-keys';
import { PostgresAccessStateStore } from './postgres-access-state-store';
import { PostgresAuditStore } from './postgres-audit-store';
import { PostgresContentLocator } from './postgres-content-locator';
import { PostgresPatientChannelStore } from './postgres-patient-channel-store';
import { PostgresProfessionalDirectory } from './postgres-professional-directory';
import { PostgresRegistryReader } from './postgres-registry-reader';
import { PostgresRecordLifecycleStore } from './postgres-record-lifecycle-store';
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
          provide: PatientDataKeys,
          useFactory: (database: Database) => database.dataKeys,
          inject: [DATABASE],
        },
        {
          provide: DatabaseLifecycle,
          useFactory: (database: Database) => new DatabaseLifecycle(database),
          inject: [DATABASE],
        },
        PostgresRegistryStore,
        { provide: REGISTRY_WRITER, useExisting: PostgresRegistryStore },
        { provide: PATIENT_RECORD_STORE, useExisting: PostgresRegistryStore },
        { provide: CONTENT_STORE, useExisting: PostgresRegistryStore },
        PostgresContentLocator,
        { provide: CONTENT_LOCATOR, useExisting: PostgresContentLocator },
        PostgresRecordLifecycleStore,
        { provide: RECORD_LIFECYCLE_STORE, useExisting: PostgresRecordLifecycleStore },
        { provide: LIFECYCLE_JOB_STORE, useExisting: PostgresRecordLifecycleStore },
        PostgresRegistryReader,
        { provide: REGISTRY_READER, useExisting: PostgresRegistryReader },
        { provide: DOCUMENT_LOCATOR, useExisting: PostgresRegistryReader },
        PostgresProfessionalDirectory,
        { provide: PROFESSIONAL_DIRECTORY, useExisting: PostgresProfessionalDirectory },
        { provide: DIRECTORY_SEARCH, useExisting: PostgresProfessionalDirectory },
        PostgresAccessStateStore,
        { provide: ACCESS_STATE_STORE, useExisting: PostgresAccessStateStore },
        { provide: ACCESS_STATE_WRITER, useExisting: PostgresAccessStateStore },
        { provide: ACCESS_DECISIONS_READER, useExisting: PostgresAccessStateStore },
        PostgresAuditStore,
        { provide: AUDIT_STORE, useExisting: PostgresAuditStore },
        { provide: NOTIFICATION_OUTBOX, useExisting: PostgresAuditStore },
        PostgresPatientChannelStore,
        { provide: PATIENT_ACCOUNT_STORE, useExisting: PostgresPatientChannelStore },
        { provide: LOGIN_THROTTLE, useExisting: PostgresPatientChannelStore },
        { provide: OIDC_STORE, useExisting: PostgresPatientChannelStore },
      ],
      exports: [
        DataSource,
        REGISTRY_WRITER,
        REGISTRY_READER,
        DOCUMENT_LOCATOR,
        PATIENT_RECORD_STORE,
        RECORD_LIFECYCLE_STORE,
        LIFECYCLE_JOB_STORE,
        CONTENT_STORE,
        CONTENT_LOCATOR,
        PROFESSIONAL_DIRECTORY,
        DIRECTORY_SEARCH,
        ACCESS_STATE_STORE,
        ACCESS_STATE_WRITER,
        ACCESS_DECISIONS_READER,
        AUDIT_STORE,
        NOTIFICATION_OUTBOX,
        PATIENT_ACCOUNT_STORE,
        LOGIN_THROTTLE,
        OIDC_STORE,
      ],
    };
  }
}
