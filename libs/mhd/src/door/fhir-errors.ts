import { HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@passerelle/domain';
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
 * framework errors (bad JSON, too large) with theirs, anything else 500 with a correlation id
 * and nothing of its internals.
 */
export function failureReply(exception: unknown): FhirReply {
  if (exception instanceof DomainError) {
    return { status: exception.catalogue.httpStatus, body: operationOutcomeFrom(exception) };
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

/** HttpException, or a body-parser error (`status` / `statusCode` with `type`). */
function frameworkStatus(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const candidate = exception as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = candidate?.status ?? candidate?.statusCode;
  return typeof status === 'number' && typeof candidate.type === 'string' ? status : undefined;
}

function frameworkMessage(exception: unknown, status: number): string {
  const type = (exception as { type?: string }).type;
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON';
  if (type === 'entity.too.large') return 'The request body is too large';
  if (status === 404) return 'No such FHIR endpoint';
  if (status === 415) return 'Unsupported media type: send application/fhir+json';
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
