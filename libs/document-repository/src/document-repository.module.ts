import { DynamicModule, FactoryProvider, Global, Module } from '@nestjs/common';
import type { SubmissionSignatureVerifier } from '@passerelle/domain';
import { ProvideAndRegisterDocumentSet } from './iti-41-provide-and-register/provide-and-register-document-set';
import { RetrieveDocumentSet } from './iti-43-retrieve-document-set/retrieve-document-set';
import { ProvideDocumentBundle } from './iti-65-provide-document-bundle/provide-document-bundle';
import { SimplifiedPublish } from './iti-105-simplified-publish/simplified-publish';
import { RetrieveDocument } from './iti-68-retrieve-document/retrieve-document';
import { ExportRecord } from './record-export/export-record';
import { BulkImport } from './bulk-import/bulk-import';
import { SUBMISSION_SIGNATURES } from './ports';
import { REPOSITORY_OPTIONS, RepositoryOptions } from './repository-options';

const USE_CASES = [
  ProvideAndRegisterDocumentSet,
  ProvideDocumentBundle,
  SimplifiedPublish,
  RetrieveDocumentSet,
  RetrieveDocument,
  ExportRecord,
  BulkImport,
];

/**
 * Repository use cases (content in, content out); the content store comes from persistence, the
 * registrar from the registry module (both global), the verifier of submission set signatures
 * from the application (libs/signature).
 */
@Global()
@Module({})
export class DocumentRepositoryModule {
  static forRoot(
    options: RepositoryOptions,
    signatures: Omit<FactoryProvider<SubmissionSignatureVerifier>, 'provide'>,
  ): DynamicModule {
    return {
      module: DocumentRepositoryModule,
      providers: [
        { provide: REPOSITORY_OPTIONS, useValue: options },
        { provide: SUBMISSION_SIGNATURES, ...signatures },
        ...USE_CASES,
      ],
      exports: USE_CASES,
    };
  }
}
