import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Optional,
  createParamDecorator,
} from '@nestjs/common';
import { DomainError, Principal } from '@passerelle/domain';
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import { AssertionVerifier } from './assertion';
import { ClientCertificates } from './forwarded-client-certificate';
import { PATIENT_TOKEN_VERIFIER, PatientTokenVerifier } from './patient-token';
import { presentsCertificate } from './socket-certificate';

type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Every request must come over mutual TLS with a certificate of a known IGC-Santé profile. An
 * access assertion (`Authorization: Bearer <JWS>`) then says who acts, how and for what; it may
 * differ from one request to the next on the same connection, so it is verified per request.
 */
@Injectable()
export class ClientCertificateGuard implements CanActivate {
  constructor(
    private readonly assertions: AssertionVerifier,
    private readonly clientCertificates: ClientCertificates,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presenter = await this.clientCertificates.presenterOf(request);
    const token = bearerToken(request.headers.authorization);
    request.principal =
      token === undefined ? presenter : await this.assertions.verify(token, presenter);
    return true;
  }
}

/**
 * `/fhir`: a client certificate (and its access assertion), as {@link ClientCertificateGuard};
 * without one, a patient token (DESIGN §9) — the only place a patient token is accepted.
 */
@Injectable()
export class FhirAuthenticationGuard implements CanActivate {
  constructor(
    private readonly certificates: ClientCertificateGuard,
    @Optional()
    @Inject(PATIENT_TOKEN_VERIFIER)
    private readonly patientTokens?: PatientTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const socket = request.socket as TLSSocket;
    if (!socket.encrypted || presentsCertificate(socket)) {
      return this.certificates.canActivate(context);
    }
    const token = bearerToken(request.headers.authorization);
    if (token === undefined && isCapabilityStatement(request)) return true;
    if (token === undefined || !this.patientTokens) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'A client certificate, or a patient token (Authorization: Bearer), is required',
      );
    }
    request.principal = await this.patientTokens.verify(token, {
      method: request.method,
      path: request.path.replace(/^\/fhir\/?/, ''),
    });
    return true;
  }
}

/** FHIR clients read the CapabilityStatement before they authenticate: it holds no patient data. */
function isCapabilityStatement(request: Request): boolean {
  return request.method === 'GET' && /^\/fhir\/metadata\/?$/.test(request.path);
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) {
    throw new DomainError(
      'UNAUTHENTICATED',
      'The Authorization header must be "Bearer <access assertion or patient token>"',
    );
  }
  return match[1];
}

/** The authenticated principal of the current request (set by ClientCertificateGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    return principal;
  },
);
