import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AccessControlModule } from '@passerelle/access-control';
import { AuditModule } from '@passerelle/audit';
import { DocumentRepositoryModule } from '@passerelle/document-repository';
import { Hl7v2Module } from '@passerelle/hl7v2';
import { MhdModule } from '@passerelle/mhd';
import { PatientChannelModule } from '@passerelle/patient-channel';
import { RecordLifecycleModule } from '@passerelle/record-management';
import { FileKeyEncryptionService, PersistenceModule } from '@passerelle/persistence';
import { RegistryModule } from '@passerelle/registry';
import { XdsModule } from '@passerelle/xds';
import {
  type AppConfig,
  type CrlSource,
  PlatformModule,
  TRUSTED_CERTIFICATES,
  TRUSTED_CRLS,
} from '@passerelle/platform';
import type { X509Certificate } from 'node:crypto';
import { XadesSubmissionVerifier } from '@passerelle/signature';
import { habilitationMatrix } from './habilitation-matrix';
import { HealthController } from './health.controller';
import { patientApps } from './patient-apps';
import { GatewayMetrics, MetricsController } from './metrics';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig, metrics: GatewayMetrics, logger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Nest's own log lines through the gateway's logger; requests are logged by requestLog.
        LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false }, forRoutes: [] }),
        PlatformModule.forRoot(config),
        AuditModule.forRoot({
          delivery: config.notifications.channel,
          dispatchIntervalMs: config.notifications.intervalMs,
        }),
        AccessControlModule.forRoot({
          habilitationMatrix: habilitationMatrix(config.habilitationMatrixFile),
        }),
        PersistenceModule.forRoot({
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          poolSize: config.databasePoolSize,
          keyEncryption: FileKeyEncryptionService.open(config.keyEncryption.kekFile, {
            create: config.keyEncryption.createIfAbsent,
          }),
        }),
        RecordLifecycleModule.forRoot({ intervalMs: config.lifecycleIntervalMs }),
        PatientChannelModule.forRoot({
          secretsFile: config.patientChannel.secretsFile,
          apps: patientApps(config.patientChannel.appsFile),
          accessTokenSeconds: config.patientChannel.accessTokenSeconds,
        }),
        RegistryModule.forRoot({ valueSetPolicy: config.valueSetPolicy }),
        DocumentRepositoryModule.forRoot(
          {
            repositoryUniqueId: config.repositoryUniqueId,
            signaturePolicy: config.signaturePolicy,
          },
          {
            useFactory: (anchors: X509Certificate[], crls: CrlSource) =>
              new XadesSubmissionVerifier(anchors, crls),
            inject: [TRUSTED_CERTIFICATES, TRUSTED_CRLS],
          },
        ),
        MhdModule.forRoot({
          repositoryUniqueId: config.repositoryUniqueId,
          maxPageSize: config.maxPageSize,
          publicBaseUrl: config.publicBaseUrl ? `${config.publicBaseUrl}/fhir` : undefined,
        }),
        XdsModule.forRoot({
          repositoryUniqueId: config.repositoryUniqueId,
          maxRequestBytes: config.maxRequestBytes,
          maxPartBytes: config.maxPartBytes,
          maxQueryResults: config.maxQueryResults,
        }),
        Hl7v2Module.forRoot(config.hl7v2),
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: GatewayMetrics, useValue: metrics }],
    };
  }
}
