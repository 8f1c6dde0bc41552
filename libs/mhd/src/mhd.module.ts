import { DynamicModule, Module } from '@nestjs/common';
import { DocumentRepositoryModule } from '@passerelle/document-repository';
import { RegistryModule } from '@passerelle/registry';
import { FhirController } from './fhir.controller';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { ManagementService } from './management.service';
import { MhdService } from './mhd.service';

@Module({})
export class MhdModule {
  static forRoot(options: MhdOptions): DynamicModule {
    return {
      module: MhdModule,
      imports: [RegistryModule, DocumentRepositoryModule],
      controllers: [FhirController],
      providers: [{ provide: MHD_OPTIONS, useValue: options }, MhdService, ManagementService],
    };
  }
}
