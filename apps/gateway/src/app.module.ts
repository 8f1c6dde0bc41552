import { DynamicModule, Module } from '@nestjs/common';
import { MhdModule } from '@passerelle/mhd';
import { PersistenceModule } from '@passerelle/persistence';
import { type AppConfig, PlatformModule } from '@passerelle/platform';
import { HealthController } from './health.controller';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        PersistenceModule.forRoot({
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          poolSize: config.databasePoolSize,
        }),
        MhdModule.forRoot({
          repositoryUniqueId: config.repositoryUniqueId,
          maxPageSize: config.maxPageSize,
          publicBaseUrl: config.publicBaseUrl ? `${config.publicBaseUrl}/fhir` : undefined,
        }),
      ],
      controllers: [HealthController],
    };
  }
}
