import { DynamicModule, Module } from '@nestjs/common';
import { RecordManagementModule } from '@passerelle/record-management';
import { FhirDoor } from './door/fhir-door';
import { FhirController } from './door/fhir.controller';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';

/** The FHIR (MHD) door; registry and repository use cases come from their global modules. */
@Module({})
export class MhdModule {
  static forRoot(options: MhdOptions): DynamicModule {
    return {
      module: MhdModule,
      imports: [RecordManagementModule],
      controllers: [FhirController],
      providers: [{ provide: MHD_OPTIONS, useValue: options }, FhirDoor],
      exports: [FhirDoor],
    };
  }
}
