import { HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@passerelle/domain';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '@passerelle/platform';
import { randomUUID } from 'node:crypto';
import {
  internalErrorOutcome,
  operationOutcomeFrom,
  simpleOutcome,
} from '../resources/operation-outcome';
import type { FhirReply } from './fhir-transaction';

const logger = new Logger('FHIR');

/**
 * Every failure under /fhir as an OperationOutcome: domain errors with their catalogue status,
 * framework errors (bad JSON, too large) with theirs, the database out of reach 503 (retry
 * later), anything else 500 with a correlation id and nothing of its internals.
 */
export function failureReply(exception: unknown): FhirReply {
  if (exception instanceof DomainError) {
    return { status: exception.catalogue.httpStatus, body: operationOutcomeFrom(exception) };
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn(`The database is unavailable: ${String(exception)}`);
    return {
      status: 503,
      body: operationOutcomeFrom(
        new DomainError(
          'REGISTRY_UNAVAILABLE',
          'The registry is temporarily unavailable; retry later',
        ),
      ),
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    };
  }
  const status = frameworkStatus(exception);
  if (status !== undefined && status < 500) {
    return {
      status,
      body: simpleOutcome(issueCode(status), frameworkMessage(exception, status)),
    };
  }
  const correlationId = randomUUID();
  logger.error(`[${correlationId}] ${(exception as Error)?.stack ?? String(exception)}`);
  return { status: 500, body: internalErrorOutcome(correlationId) };
}

/**
 * HttpException, or a body-parser error: `status` / `statusCode` with a `type`, or (a body that
 * fails to decompress) the stream's own error, marked `expose` by http-errors as a client's.
 */
function frameworkStatus(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const candidate = exception as {
    status?: unknown;
    statusCode?: unknown;
    type?: unknown;
    expose?: unknown;
  };
  const status = candidate?.status ?? candidate?.statusCode;
  const fromBodyParser = typeof candidate?.type === 'string' || candidate?.expose === true;
  return typeof status === 'number' && fromBodyParser ? status : undefined;
}

const BODY_PARSER_MESSAGES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'The request body is too large',
  'encoding.unsupported': 'Unsupported Content-Encoding: send identity, gzip, deflate or br',
  'charset.unsupported': 'Unsupported charset: send UTF-8',
  'request.aborted': 'The request body was cut short',
};

function frameworkMessage(exception: unknown, status: number): string {
  const { type, errno } = exception as { type?: string; errno?: unknown };
  const known = type === undefined ? undefined : BODY_PARSER_MESSAGES[type];
  if (known) return known;
  if (errno !== undefined)
    return 'The request body does not decompress as its Content-Encoding says';
  if (status === 404) return 'No such FHIR endpoint';
  if (status === 415)
    return 'Unsupported media type: send application/fhir+json or application/fhir+xml';
  return exception instanceof HttpException ? exception.message : 'Bad request';
}

function issueCode(status: number) {
  if (status === 401) return 'login' as const;
  if (status === 403) return 'forbidden' as const;
  if (status === 404) return 'not-found' as const;
  if (status === 413) return 'too-costly' as const;
  if (status === 415 || status === 405) return 'not-supported' as const;
  return 'structure' as const;
}
