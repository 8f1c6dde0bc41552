import { DynamicModule, Module } from '@nestjs/common';
import { DocumentRepositoryModule } from '@passerelle/document-repository';
import { RegistryModule } from '@passerelle/registry';
import { XdsController } from './xds.controller';
import { XDS_OPTIONS, XdsOptions } from './xds-options';
import { XdsTransactions } from './xds-transaction-handlers';
import { XdsService } from './xds.service';

@Module({})
export class XdsModule {
  static forRoot(options: XdsOptions): DynamicModule {
    return {
      module: XdsModule,
      imports: [RegistryModule, DocumentRepositoryModule],
      controllers: [XdsController],
      providers: [{ provide: XDS_OPTIONS, useValue: options }, XdsService, XdsTransactions],
    };
  }
}
