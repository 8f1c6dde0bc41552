import { DynamicModule, Global, Module } from '@nestjs/common';
import { AccessControl, HABILITATION_MATRIX } from './access-control';
import { HabilitationMatrix, HabilitationMatrixFile } from './policy/habilitation-matrix';

export interface AccessControlOptions {
  readonly habilitationMatrix: HabilitationMatrixFile;
}

/** The access-control entry point; storage ports come from the persistence module. */
@Global()
@Module({})
export class AccessControlModule {
  static forRoot(options: AccessControlOptions): DynamicModule {
    return {
      module: AccessControlModule,
      providers: [
        {
          provide: HABILITATION_MATRIX,
          useValue: new HabilitationMatrix(options.habilitationMatrix),
        },
        AccessControl,
      ],
      exports: [AccessControl, HABILITATION_MATRIX],
    };
  }
}
