import { DynamicModule, Module } from '@nestjs/common';
import { XdsController } from './xds.controller';
import { XDS_OPTIONS, XdsOptions } from './xds-options';
import { XdsService } from './xds.service';

/** The XDS.b door; its use cases come from the (global) repository and registry modules. */
@Module({})
export class XdsModule {
  static forRoot(options: XdsOptions): DynamicModule {
    return {
      module: XdsModule,
      controllers: [XdsController],
      providers: [{ provide: XDS_OPTIONS, useValue: options }, XdsService],
    };
  }
}
