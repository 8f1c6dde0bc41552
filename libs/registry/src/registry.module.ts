import { DynamicModule, Global, Module } from '@nestjs/common';
import { RegistryStoredQuery } from './iti-18-registry-stored-query/registry-stored-query';
import { RegisterDocumentSet } from './iti-42-register-document-set/register-document-set';
import { UpdateDocumentSet } from './iti-57-update-document-set/update-document-set';
import { FindDocumentLists } from './iti-66-find-document-lists/find-document-lists';
import { FindDocumentReferences } from './iti-67-find-document-references/find-document-references';
import { ReadDocumentReference } from './iti-67-find-document-references/read-document-reference';
import { ChangeDocumentMetadata } from './metadata-update/change-document-metadata';
import { UpdateDocumentMetadata } from './metadata-update/update-document-metadata';
import { SubmissionRegistrar } from './submission/submission-registrar';
import { VALUE_SET_POLICY, ValueSetPolicy } from './submission/value-sets';

const USE_CASES = [
  RegisterDocumentSet,
  RegistryStoredQuery,
  UpdateDocumentSet,
  FindDocumentReferences,
  ReadDocumentReference,
  FindDocumentLists,
  ChangeDocumentMetadata,
];

export interface RegistryOptions {
  readonly valueSetPolicy: ValueSetPolicy;
}

/**
 * Registry use cases, for every door (global); the storage ports are provided by the
 * persistence module (global).
 */
@Global()
@Module({})
export class RegistryModule {
  static forRoot(options: RegistryOptions): DynamicModule {
    return {
      module: RegistryModule,
      providers: [
        { provide: VALUE_SET_POLICY, useValue: options.valueSetPolicy },
        ...USE_CASES,
        SubmissionRegistrar,
        UpdateDocumentMetadata,
      ],
      exports: [...USE_CASES, SubmissionRegistrar],
    };
  }
}
