import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { AuditContext } from '@passerelle/audit';
import type { Request, Response } from 'express';
import { failureReply } from './fhir-errors';
import { FhirDoor, type FhirRequest } from './fhir-door';
import { answerFormatOrJson } from './fhir-format';
import { sendReply } from './fhir-reply';

/**
 * Failures outside any transaction — authentication refused, no such endpoint, a body that is
 * not JSON — answered as OperationOutcomes, and audited under the route like any other request.
 */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  constructor(private readonly door: FhirDoor) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    return answerFhirError(exception, http.getRequest(), http.getResponse(), this.door);
  }
}

/** Also the Express error handler for failures before routing (body parsing, media type). */
export async function answerFhirError(
  exception: unknown,
  request: Request,
  response: Response,
  door: FhirDoor,
): Promise<void> {
  const route = `${request.method} ${request.originalUrl.split('?')[0]}`;
  const audit = new AuditContext(route, 'unknown', (request as FhirRequest).principal);
  sendReply(
    response,
    await door.audited(audit, failureReply(exception)),
    answerFormatOrJson(request),
  );
}
