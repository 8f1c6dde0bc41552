import { DynamicModule, Module } from '@nestjs/common';
import { Hl7v2Door } from './hl7v2-door';
import { HL7V2_OPTIONS, Hl7v2Options } from './hl7v2-options';

/** The HL7v2 door; its use cases come from the (global) repository and registry modules. */
@Module({})
export class Hl7v2Module {
  static forRoot(options: Hl7v2Options): DynamicModule {
    return {
      module: Hl7v2Module,
      providers: [{ provide: HL7V2_OPTIONS, useValue: options }, Hl7v2Door],
      exports: [Hl7v2Door],
    };
  }
}
