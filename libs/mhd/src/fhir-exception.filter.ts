import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { AuditTrail } from '@passerelle/audit';
import { DomainError } from '@passerelle/domain';
import type { OperationOutcome } from 'fhir/r4';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { internalErrorOutcome, operationOutcomeFrom, simpleOutcome } from './operation-outcome';
import { FhirRequest, auditOf } from './request-scope';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/**
 * Every failure under /fhir answers an OperationOutcome: domain errors with their catalogue
 * status, framework errors (bad JSON, unknown route, too large) with theirs, anything else 500
 * with a correlation id and nothing of its internals. The failure is audited before it is
 * answered.
 */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  constructor(private readonly auditTrail: AuditTrail) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    return answerFhirError(
      exception,
      http.getRequest<FhirRequest>(),
      http.getResponse<Response>(),
      this.auditTrail,
    );
  }
}

const logger = new Logger('FHIR');

/** Also used as the Express error handler for failures before routing (body parsing). */
export async function answerFhirError(
  exception: unknown,
  request: FhirRequest,
  response: Response,
  auditTrail: AuditTrail,
): Promise<void> {
  const [status, outcome] = outcomeOf(exception);
  await auditThenSend(request, response, auditTrail, status, outcome);
}

/** No answer leaves unaudited: if the audit cannot be written, the caller gets a 500. */
export async function auditThenSend(
  request: FhirRequest,
  response: Response,
  auditTrail: AuditTrail,
  status: number,
  body: unknown,
): Promise<void> {
  try {
    await auditTrail.complete(auditOf(request), status);
  } catch (error) {
    const [failedStatus, outcome] = outcomeOf(error);
    send(response, failedStatus, outcome);
    return;
  }
  send(response, status, body);
}

function outcomeOf(exception: unknown): [number, OperationOutcome] {
  if (exception instanceof DomainError) {
    return [exception.catalogue.httpStatus, operationOutcomeFrom(exception)];
  }
  const status = frameworkStatus(exception);
  if (status !== undefined && status < 500) {
    return [status, simpleOutcome(issueCode(status), frameworkMessage(exception, status))];
  }
  const correlationId = randomUUID();
  logger.error(`[${correlationId}] ${(exception as Error)?.stack ?? String(exception)}`);
  return [500, internalErrorOutcome(correlationId)];
}

function send(response: Response, status: number, body: unknown): void {
  if (response.headersSent) return;
  if (Buffer.isBuffer(body)) {
    response.status(status).end(body);
    return;
  }
  response.status(status).type(FHIR_JSON).send(JSON.stringify(body));
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
