import { Module } from '@nestjs/common';
import { RegistryModule } from '@passerelle/registry';
import { ProvideAndRegisterDocumentSet } from './provide-and-register';
import { RetrieveDocument } from './retrieve-document';

@Module({
  imports: [RegistryModule],
  providers: [ProvideAndRegisterDocumentSet, RetrieveDocument],
  exports: [ProvideAndRegisterDocumentSet, RetrieveDocument],
})
export class DocumentRepositoryModule {}
