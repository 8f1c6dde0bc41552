import { CertifiedPrincipal, DomainError } from '@passerelle/domain';
import type { TLSSocket } from 'node:tls';
import { principalFromCertificate } from './pki';

/** Verified once per TLS connection: keep-alive requests reuse the parsed identity. */
const identityBySocket = new WeakMap<TLSSocket, CertifiedPrincipal | DomainError>();

function identityOf(socket: TLSSocket): CertifiedPrincipal | DomainError {
  if (!socket.encrypted) {
    return new DomainError('UNAUTHENTICATED', 'Mutual TLS is required');
  }
  if (!presentsCertificate(socket)) {
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

const presentedBySocket = new WeakMap<TLSSocket, boolean>();

/** Whether the client sent a certificate on this TLS connection (asked once per connection). */
export function presentsCertificate(socket: TLSSocket): boolean {
  let presented = presentedBySocket.get(socket);
  if (presented === undefined) {
    presented = Object.keys(socket.getPeerCertificate()).length > 0;
    presentedBySocket.set(socket, presented);
  }
  return presented;
}

/** The principal of the connection's verified client certificate (throws 401-style refusals). */
export function principalOfSocket(socket: TLSSocket): CertifiedPrincipal {
  let identity = identityBySocket.get(socket);
  if (identity === undefined) {
    identity = identityOf(socket);
    identityBySocket.set(socket, identity);
  }
  if (identity instanceof DomainError) throw identity;
  return identity;
}
