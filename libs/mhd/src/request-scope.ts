import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { AuditContext } from '@passerelle/audit';
import { DomainError, Principal } from '@passerelle/domain';
import type { NextFunction, Request, Response } from 'express';

/** Who asks (the authenticated principal) and what the request has done so far (its audit). */
export interface RequestScope {
  readonly principal: Principal;
  readonly audit: AuditContext;
}

export type FhirRequest = Request & { principal?: Principal; audit?: AuditContext };

/** Every FHIR request gets its audit context before anything else can fail. */
export function attachAuditContext(request: FhirRequest, _response: Response, next: NextFunction) {
  request.audit = new AuditContext(routeOf(request));
  next();
}

export function auditOf(request: FhirRequest): AuditContext {
  request.audit ??= new AuditContext(routeOf(request));
  if (request.principal) request.audit.principal ??= request.principal;
  return request.audit;
}

function routeOf(request: Request): string {
  return `${request.method} ${request.originalUrl.split('?')[0]}`;
}

export const Scope = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<FhirRequest>();
  if (!request.principal) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  const audit = auditOf(request);
  audit.principal = request.principal;
  return { principal: request.principal, audit } satisfies RequestScope;
});
