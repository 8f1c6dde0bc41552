import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProvideAndRegisterDocumentSet } from './iti-41-provide-and-register/provide-and-register-document-set';
import { RetrieveDocumentSet } from './iti-43-retrieve-document-set/retrieve-document-set';
import { ProvideDocumentBundle } from './iti-65-provide-document-bundle/provide-document-bundle';
import { RetrieveDocument } from './iti-68-retrieve-document/retrieve-document';
import { ExportRecord } from './record-export/export-record';
import { REPOSITORY_OPTIONS, RepositoryOptions } from './repository-options';

const USE_CASES = [
  ProvideAndRegisterDocumentSet,
  ProvideDocumentBundle,
  RetrieveDocumentSet,
  RetrieveDocument,
  ExportRecord,
];

/**
 * Repository use cases (content in, content out); the content store comes from persistence, the
 * registrar from the registry module (both global).
 */
@Global()
@Module({})
export class DocumentRepositoryModule {
  static forRoot(options: RepositoryOptions): DynamicModule {
    return {
      module: DocumentRepositoryModule,
      providers: [{ provide: REPOSITORY_OPTIONS, useValue: options }, ...USE_CASES],
      exports: USE_CASES,
    };
  }
}
