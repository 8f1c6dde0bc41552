import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { DomainError, Principal } from '@passerelle/domain';
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import { principalFromCertificate } from './pki';

type AuthenticatedRequest = Request & { principal?: Principal };

/** Verified once per TLS connection: keep-alive requests reuse the parsed identity. */
const identityBySocket = new WeakMap<TLSSocket, Principal | DomainError>();

function identityOf(socket: TLSSocket): Principal | DomainError {
  if (!socket.encrypted) {
    return new DomainError('UNAUTHENTICATED', 'Mutual TLS is required');
  }
  if (Object.keys(socket.getPeerCertificate()).length === 0) {
    return new DomainError('UNAUTHENTICATED', 'A client certificate is required');
  }
  if (!socket.authorized) {
    const reason = socket.authorizationError ? String(socket.authorizationError) : 'none sent';
    return new DomainError('UNAUTHENTICATED', `Client certificate refused (${reason})`);
  }
  try {
    return principalFromCertificate(socket.getPeerX509Certificate()!);
  } catch (error) {
    if (error instanceof DomainError) return error;
    return new DomainError('UNAUTHENTICATED', 'Client certificate could not be read');
  }
}

export function principalOfSocket(socket: TLSSocket): Principal {
  let identity = identityBySocket.get(socket);
  if (identity === undefined) {
    identity = identityOf(socket);
    identityBySocket.set(socket, identity);
  }
  if (identity instanceof DomainError) throw identity;
  return identity;
}

/** Every request must come over mutual TLS with a certificate of a known IGC-Santé profile. */
@Injectable()
export class ClientCertificateGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = principalOfSocket(request.socket as TLSSocket);
    return true;
  }
}

/** The authenticated principal of the current request (set by ClientCertificateGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
    return principal;
  },
);
