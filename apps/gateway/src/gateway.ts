import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Hl7v2Door, MllpListener, listenMllp } from '@passerelle/hl7v2';
import {
  FHIR_XML_BODY_TYPES,
  FhirDoor,
  FhirExceptionFilter,
  answerFhirError,
  resourceFromFhirXml,
} from '@passerelle/mhd';
import { PatientChannel } from '@passerelle/patient-channel';
import {
  AppConfig,
  TRUSTED_CRLS,
  TlsSetup,
  TrustedCrls,
  tlsSetup,
  withCrls,
} from '@passerelle/platform';
import { json, text, urlencoded } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { admission, decideExpectContinue, httpServerOptions } from './admission';
import { AppModule } from './app.module';
import { serveOpenApi } from './openapi';
import { gatewayLogger, requestIdentity, requestLog } from './request-log';
import { GatewayMetrics } from './metrics';
import { PORTAL_PATH, builtPortalDirectory, portalRouter } from './portal';

const FHIR_BODY_TYPES = [
  'application/fhir+json',
  'application/json',
  'application/json-patch+json',
];

export interface RunningGateway {
  readonly app: INestApplication;
  readonly port: number;
  /** The HL7v2 door's MLLP port (mutual TLS), when MLLP_PORT is set. */
  readonly mllpPort?: number;
  /** The patient channel's issuer: PUBLIC_BASE_URL, or https://localhost:<port>. */
  readonly issuer: string;
  readonly devPkiDir?: string;
  close(): Promise<void>;
}

/** Builds and starts the HTTPS gateway (mutual TLS) for a validated configuration. */
export async function startGateway(config: AppConfig): Promise<RunningGateway> {
  const tls = tlsSetup(config);
  const metrics = new GatewayMetrics();
  const logger = gatewayLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forConfig(config, metrics, logger),
    {
      httpsOptions: {
        ...tls.options,
        ...httpServerOptions(config.http),
      } as NestApplicationOptions['httpsOptions'],
      bodyParser: false,
      abortOnError: false,
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  const door = app.get(FhirDoor);
  app.disable('x-powered-by');
  app.use(requestIdentity);
  app.use(requestLog(logger));
  app.use(metrics.middleware);
  decideExpectContinue(app.getHttpServer() as Server);
  app.use(admission(config, door));
  const portal = portalRouter(builtPortalDirectory());
  if (portal) app.use(PORTAL_PATH, portal);
  const patientChannel = app.get(PatientChannel);
  app.use(patientChannel.middleware);
  app.use('/patient', urlencoded({ extended: false, limit: '16kb' }));
  app.use('/fhir', requireFhirBody);
  // FHIR JSON and XML are the FHIR door's alone: the XDS door reads its own bodies (SOAP).
  app.use('/fhir', json({ type: FHIR_BODY_TYPES, limit: config.maxRequestBytes }));
  app.use('/fhir', text({ type: FHIR_XML_BODY_TYPES, limit: config.maxRequestBytes }));
  app.use('/fhir', readFhirXml);
  app.use('/fhir', (error: unknown, request: Request, response: Response, next: NextFunction) =>
    error ? void answerFhirError(error, request, response, door) : next(),
  );
  app.useGlobalFilters(new FhirExceptionFilter(door));
  serveOpenApi(app, '0.1.0');
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const issuer = config.publicBaseUrl ?? `https://localhost:${port}`;
  await patientChannel.start(issuer);
  const mllp = await startMllp(app, config, tls.options);
  app.get<typeof TRUSTED_CRLS, TrustedCrls>(TRUSTED_CRLS).onChange((pems) => {
    const options = withCrls(tls.options, pems);
    (app.getHttpServer() as Server).setSecureContext(options);
    mllp?.setSecureContext(options);
  });
  return {
    app,
    port,
    mllpPort: mllp?.port,
    issuer,
    devPkiDir: tls.devPkiDir,
    close: async () => {
      await mllp?.close();
      await app.close();
    },
  };
}

function startMllp(
  app: INestApplication,
  config: AppConfig,
  tls: TlsSetup['options'],
): Promise<MllpListener | undefined> {
  if (config.mllpPort === undefined) return Promise.resolve(undefined);
  const door = app.get(Hl7v2Door);
  return listenMllp((message, socket) => door.answer(message, socket), tls, {
    port: config.mllpPort,
    host: config.host,
    maxMessageBytes: config.maxRequestBytes,
  });
}

/** A FHIR XML body, as text, becomes the resource JSON the door reads. */
function readFhirXml(request: Request, _response: Response, next: NextFunction): void {
  if (typeof request.body !== 'string') return next();
  try {
    request.body = resourceFromFhirXml(request.body);
    next();
  } catch (error) {
    next(error);
  }
}

/** Requests with a body must send FHIR JSON or XML (or JSON Patch): anything else is 415. */
function requireFhirBody(request: Request, _response: Response, next: NextFunction): void {
  const length = request.headers['content-length'];
  const hasBody =
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
  const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (hasBody && (!type || ![...FHIR_BODY_TYPES, ...FHIR_XML_BODY_TYPES].includes(type))) {
    next(
      Object.assign(new Error(`Unsupported Content-Type ${type ?? '(none)'}`), {
        status: 415,
        type: 'unsupported.media.type',
      }),
    );
    return;
  }
  next();
}
