import { Module } from '@nestjs/common';
import { DocumentQueries } from './document-queries';
import { PatientRecords } from './patient-records';
import { RegisterDocumentSet } from './register-document-set';
import { StoredQueries } from './stored-queries';
import { UpdateDocumentMetadata } from './update-document-metadata';

const USE_CASES = [
  PatientRecords,
  RegisterDocumentSet,
  DocumentQueries,
  UpdateDocumentMetadata,
  StoredQueries,
];

/** Registry use cases; the storage ports are provided by the persistence module (global). */
@Module({ providers: USE_CASES, exports: USE_CASES })
export class RegistryModule {}
